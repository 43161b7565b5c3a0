/** The meson side of the offline source build: relaxed meson version, system-library subprojects. */
import fs from 'node:fs';
import path from 'node:path';

import { InstallError } from './common.mjs';

/**
 * Makes mediasoup's meson project build offline: accepts Debian 12's meson 1.0.1 and replaces every
 * download wrap by a subproject that wraps the system library under the names mediasoup reads.
 */
export function prepareWorkerSources(workerDir) {
  const mesonBuild = path.join(workerDir, 'meson.build');
  const original = fs.readFileSync(mesonBuild, 'utf8');
  const relaxed = original.replace(/meson_version\s*:\s*'[^']*'/, "meson_version: '>= 1.0.0'");
  if (relaxed === original) throw new InstallError('meson_version not found in mediasoup worker/meson.build');
  fs.writeFileSync(mesonBuild, relaxed);

  const subprojectsDir = path.join(workerDir, 'subprojects');
  for (const entry of fs.readdirSync(subprojectsDir)) {
    fs.rmSync(path.join(subprojectsDir, entry), { recursive: true, force: true });
  }
  for (const [name, { build, options = '' }] of Object.entries(SYSTEM_SUBPROJECTS)) {
    const dir = path.join(subprojectsDir, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'meson.build'), build);
    fs.writeFileSync(path.join(dir, 'meson_options.txt'), options);
    fs.writeFileSync(path.join(dir, 'stub.c'), 'int tongke_system_library_stub(void) { return 0; }\n');
  }
}

/**
 * The `*_lib` / bare-name variables feed only `link_whole` of mediasoup's static library target,
 * which is not built by default, so an empty static library satisfies meson.
 */
const stubLibraries = (...names) => names.map((name) => `${name} = static_library('${name}_stub', 'stub.c')`).join('\n');

const SYSTEM_SUBPROJECTS = {
  openssl: {
    build: `project('openssl', 'c')
openssl_dep = dependency('openssl')
${stubLibraries('libcrypto_lib', 'libssl_lib')}
`,
  },
  nlohmann_json: {
    build: `project('nlohmann_json', 'c')
nlohmann_json_dep = dependency('nlohmann_json')
`,
  },
  libuv: {
    build: `project('libuv', 'c')
libuv_dep = dependency('libuv')
${stubLibraries('libuv')}
`,
    options: `option('build_tests', type: 'boolean', value: false)
option('build_benchmarks', type: 'boolean', value: false)
`,
  },
  libsrtp2: {
    // Debian puts the headers in <includedir>/srtp2; mediasoup includes <srtp.h>.
    build: `project('libsrtp2', 'c')
srtp = dependency('libsrtp2')
libsrtp2_dep = declare_dependency(
  dependencies: srtp,
  include_directories: include_directories(srtp.get_variable(pkgconfig: 'includedir') / 'srtp2', is_system: true),
)
${stubLibraries('libsrtp2')}
`,
    options: `option('crypto-library', type: 'string', value: 'openssl')
option('crypto-library-kdf', type: 'string', value: 'disabled')
option('tests', type: 'string', value: 'disabled')
`,
  },
  usrsctp: {
    build: `project('usrsctp', 'c')
usrsctp_dep = dependency('usrsctp')
${stubLibraries('usrsctp')}
`,
    options: `option('sctp_build_programs', type: 'boolean', value: false)
`,
  },
  'abseil-cpp': {
    build: `project('abseil-cpp', 'c')
absl_container_dep = declare_dependency(dependencies: [
  dependency('absl_flat_hash_map'),
  dependency('absl_btree'),
  dependency('absl_raw_hash_set'),
  dependency('absl_hash'),
])
absl_strings_dep = declare_dependency(dependencies: [dependency('absl_strings'), dependency('absl_str_format')])
absl_types_dep = declare_dependency(dependencies: [
  dependency('absl_optional'),
  dependency('absl_variant'),
  dependency('absl_span'),
])
${stubLibraries('absl_container_lib', 'absl_strings_lib', 'absl_types_lib')}
`,
  },
  catch2: {
    // Only the worker's own test binary uses Catch2, and it is not built here.
    build: `project('catch2', 'c')
catch2_dep = declare_dependency()
`,
  },
};
