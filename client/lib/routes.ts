import type { RouteDefinition } from './router.svelte.js';

/** Every page of the SPA. */
export const ROUTES = [
  { name: 'login', path: '/login' },
  { name: 'pair', path: '/pair' },
  { name: 'join', path: '/join/:token' },
  { name: 'home', path: '/' },
  { name: 'admin_organisation', path: '/admin/organisation' },
  { name: 'admin_users', path: '/admin/users' },
  { name: 'admin_courses', path: '/admin/courses' },
  { name: 'admin_course', path: '/admin/courses/:id' },
  { name: 'lesson', path: '/lesson/:courseId' },
] as const satisfies readonly RouteDefinition<string>[];

export type RouteName = (typeof ROUTES)[number]['name'];

/** Who may open a page: anyone, anyone signed in, or administrators. Unknown paths are public (not found). */
export const ROUTE_ACCESS: Record<RouteName, 'public' | 'signed_in' | 'admin'> = {
  login: 'public',
  pair: 'public',
  join: 'public',
  home: 'signed_in',
  admin_organisation: 'admin',
  admin_users: 'admin',
  admin_courses: 'admin',
  admin_course: 'admin',
  lesson: 'signed_in',
};

/** The path of the page a course is edited on; `new` creates one. */
export const coursePath = (id: number | 'new') => `/admin/courses/${id}`;
export const lessonPath = (courseId: number) => `/lesson/${courseId}`;
