import type { Role } from '../../shared/roles.js';

/** Every demo account signs in with this password (README, e2e tests). */
export const DEMO_PASSWORD = 'tongke-demo';

/** A demo account worth signing in as: who it is and what it shows. */
export interface DemoLogin {
  username: string;
  role: Role;
  displayName: string;
  /**
   * The name of the grant's scope, of the kind the role names (ROLE_SCOPE_KIND): a region, group or school
   * name, or "<school> <classroom>" for a classroom device; empty for the system admin.
   */
  scope: string;
  /** What to try after signing in (README). */
  tryThis: string;
}

/**
 * The demo county's featured accounts (all with DEMO_PASSWORD). The seed creates them from this list, the
 * README shows it, and the tests sign in with it.
 */
export const DEMO_LOGINS: readonly DemoLogin[] = [
  {
    username: 'admin',
    role: 'system_admin',
    displayName: '系统管理员',
    scope: '',
    tryThis: 'Everything: regions, groups, schools, users and courses of the whole installation.',
  },
  {
    username: 'county',
    role: 'region_admin',
    displayName: '青山县教育局',
    scope: '青山县',
    tryThis: 'The county bureau: terms, both education groups, which teaching points receive which subjects.',
  },
  {
    username: 'group1',
    role: 'group_admin',
    displayName: '实验小学教育集团管理员',
    scope: '青山县实验小学教育集团',
    tryThis: 'The primary group: its lead school, two member schools and four teaching points.',
  },
  {
    username: 'group2',
    role: 'group_admin',
    displayName: '第一中学教育集团管理员',
    scope: '青山县第一中学教育集团',
    tryThis: 'The junior-secondary group, with the 名校网络课堂 open-school course.',
  },
  {
    username: 'school1',
    role: 'school_admin',
    displayName: '实验小学教务处',
    scope: '青山县实验小学',
    tryThis: 'Classrooms of the lead school: show a pairing code (配对终端) and pair a device at /pair.',
  },
  {
    username: 'teacher.wang',
    role: 'teacher',
    displayName: '王老师',
    scope: '青山县实验小学',
    tryThis: 'Music lead teacher with a lesson every weekday; her grade-3 music reaches 石桥村教学点 and 杨柳村教学点.',
  },
  {
    username: 'teacher.li',
    role: 'teacher',
    displayName: '李老师',
    scope: '青山县实验小学',
    tryThis: 'English lead teacher, delivering to all four teaching points of the primary group.',
  },
  {
    username: 'teacher.huang',
    role: 'teacher',
    displayName: '黄老师',
    scope: '青山县第一中学',
    tryThis: 'English lead teacher of the junior-secondary group, delivering to 桃园村教学点 and 青石岭村小.',
  },
  {
    username: 'assistant.zhao',
    role: 'assistant_teacher',
    displayName: '赵老师',
    scope: '石桥村教学点',
    tryThis: 'Assistant teacher at 石桥村教学点: runs the receiving classroom for every delivered lesson.',
  },
  {
    username: 'student.chen',
    role: 'student',
    displayName: '陈同学',
    scope: '石桥村教学点',
    tryThis: 'Home-delivery student (送教上门) of 石桥村教学点, enrolled in music and the other delivered courses.',
  },
  {
    username: 'room.shiqiao',
    role: 'classroom_device',
    displayName: '石桥村教学点 接收教室',
    scope: '石桥村教学点 接收教室',
    tryThis: 'The receiving-classroom device: next lesson, countdown and one-click join.',
  },
  {
    username: 'room.yangliu',
    role: 'classroom_device',
    displayName: '杨柳村教学点 接收教室',
    scope: '杨柳村教学点 接收教室',
    tryThis: 'A second receiving classroom of the same music lesson (open it in another browser).',
  },
  {
    username: 'city.reviewer',
    role: 'city_reviewer',
    displayName: '示例市教育局复核员',
    scope: '示例市',
    tryThis: "地市复核: 青山县's submitted self-evaluation file at /review — comment per item, return it or approve it.",
  },
  {
    username: 'province.reviewer',
    role: 'province_reviewer',
    displayName: '示例省督导员',
    scope: '示例省',
    tryThis: '省级督导评估: after the city approves, the province approves or returns the file (and reads every version and its hash).',
  },
];

/** The featured account of a username; throws for a username that is not in the list (tests). */
export function demoLogin(username: string): DemoLogin {
  const login = DEMO_LOGINS.find((l) => l.username === username);
  if (!login) throw new Error(`${username} is not a demo login`);
  return login;
}
