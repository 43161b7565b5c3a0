import type { Static } from 'typebox';
import type { Locale } from '../../shared/i18n/index.js';
import type { Role } from '../../shared/roles.js';
import type { InstanceResponse, MeResponse, PairingCodeResponse, StudentLinkList, StudentLinkResponse } from '../../shared/api/auth.js';
import type {
  Classroom,
  ClassroomCreate,
  ClassroomUpdate,
  EducationGroup,
  EducationGroupCreate,
  EducationGroupUpdate,
  OrganisationTree,
  Region,
  RegionCreate,
  RegionUpdate,
  School,
  SchoolCreate,
  SchoolUpdate,
} from '../../shared/api/organisation.js';
import type { RoleGrantInput, SetupBody, User, UserCreate, UserImportResult, UserList, UserUpdate, UserCreated } from '../../shared/api/people.js';
import type {
  AdHocLesson,
  AdHocLessonCreate,
  CalendarDay,
  CalendarDayCreate,
  CalendarDays,
  Course,
  CourseCreate,
  CourseUpdate,
  LessonCancel,
  LessonMove,
  MyLessons,
  Term,
  TermCreate,
  TermUpdate,
  Timetable,
  TimetableSlot,
} from '../../shared/api/teaching.js';
import type { LiveLessons } from '../../shared/api/lessons.js';
import type { ApiClient } from './api.js';

export type TimetableView = Static<typeof Timetable>;

export interface UserFilter {
  schoolId?: number;
  role?: Role;
  q?: string;
  limit?: number;
  offset?: number;
}

interface Ok {
  ok: true;
}

export type { LiveLessons };

/** Every REST route the client calls, with the contract's types: the one place that knows the URLs. */
export class TongkeApi {
  constructor(readonly http: ApiClient) {}

  // ---- auth ----
  me = () => this.http.get<MeResponse>('/api/auth/me');
  login = (username: string, password: string) => this.http.post<MeResponse>('/api/auth/login', { username, password });
  logout = () => this.http.post<Ok>('/api/auth/logout');
  setLocale = (locale: Locale) => this.http.put<Ok>('/api/auth/locale', { locale });
  pair = (code: string) => this.http.post<MeResponse>('/api/auth/pair', { code });
  redeemStudentLink = (token: string) => this.http.post<MeResponse>('/api/auth/student-link', { token });
  instance = () => this.http.get<InstanceResponse>('/api/instance');
  setup = (body: SetupBody) => this.http.post<Ok>('/api/setup', body);

  // ---- organisation ----
  organisation = () => this.http.get<OrganisationTree>('/api/organisation');
  createRegion = (body: RegionCreate) => this.http.post<Region>('/api/regions', body);
  updateRegion = (id: number, body: RegionUpdate) => this.http.patch<Region>(`/api/regions/${id}`, body);
  createGroup = (body: EducationGroupCreate) => this.http.post<EducationGroup>('/api/groups', body);
  updateGroup = (id: number, body: EducationGroupUpdate) => this.http.patch<EducationGroup>(`/api/groups/${id}`, body);
  createSchool = (body: SchoolCreate) => this.http.post<School>('/api/schools', body);
  updateSchool = (id: number, body: SchoolUpdate) => this.http.patch<School>(`/api/schools/${id}`, body);
  createClassroom = (body: ClassroomCreate) => this.http.post<Classroom>('/api/classrooms', body);
  updateClassroom = (id: number, body: ClassroomUpdate) => this.http.patch<Classroom>(`/api/classrooms/${id}`, body);
  pairingCode = (classroomId: number) => this.http.post<PairingCodeResponse>(`/api/classrooms/${classroomId}/pairing-code`);
  unpairDevice = (classroomId: number) => this.http.delete<Ok>(`/api/classrooms/${classroomId}/device`);

  // ---- people ----
  users = (filter: UserFilter) => this.http.get<UserList>('/api/users', { ...filter });
  createUser = (body: UserCreate) => this.http.post<UserCreated>('/api/users', body);
  updateUser = (id: number, body: UserUpdate) => this.http.patch<User>(`/api/users/${id}`, body);
  addGrant = (userId: number, grant: RoleGrantInput) => this.http.post<User>(`/api/users/${userId}/grants`, grant);
  removeGrant = (userId: number, grantId: number) => this.http.delete<User>(`/api/users/${userId}/grants/${grantId}`);
  /** `file` is the chosen file's bytes in base64: the server detects its encoding (or reads it as XLSX). */
  importUsers = (schoolId: number, file: string, dryRun: boolean, onUploadProgress?: (fraction: number) => void) =>
    this.http.post<UserImportResult>('/api/users/import', { schoolId, file, dryRun }, { onUploadProgress });

  // ---- teaching ----
  terms = (regionId?: number) => this.http.get<Term[]>('/api/terms', { regionId });
  createTerm = (body: TermCreate) => this.http.post<Term>('/api/terms', body);
  updateTerm = (id: number, body: TermUpdate) => this.http.patch<Term>(`/api/terms/${id}`, body);
  courses = (filter: { termId?: number; schoolId?: number }) => this.http.get<Course[]>('/api/courses', filter);
  course = (id: number) => this.http.get<Course>(`/api/courses/${id}`);
  createCourse = (body: CourseCreate) => this.http.post<Course>('/api/courses', body);
  updateCourse = (id: number, body: CourseUpdate) => this.http.patch<Course>(`/api/courses/${id}`, body);
  timetable = (courseId: number) => this.http.get<TimetableView>(`/api/courses/${courseId}/timetable`);
  saveTimetable = (courseId: number, slots: TimetableSlot[]) => this.http.put<TimetableView>(`/api/courses/${courseId}/timetable`, { slots });
  createStudentLink = (courseId: number, studentId: number, validDays: number) =>
    this.http.post<StudentLinkResponse>(`/api/courses/${courseId}/student-links`, { studentId, validDays });
  studentLinks = (courseId: number) => this.http.get<StudentLinkList>(`/api/courses/${courseId}/student-links`);
  revokeStudentLink = (courseId: number, linkId: number) => this.http.delete<Ok>(`/api/courses/${courseId}/student-links/${linkId}`);
  /** Lessons live now in courses I may see ("live now" on home pages). */
  liveLessons = () => this.http.get<LiveLessons>('/api/lessons/live');
  /** 调课: move one lesson to another Shanghai date and time. */
  moveLesson = (id: number, body: LessonMove) => this.http.post<null>(`/api/scheduled-lessons/${id}/move`, body);
  /** 停课: cancel one lesson, with the reason the classrooms read. */
  cancelLesson = (id: number, body: LessonCancel) => this.http.post<null>(`/api/scheduled-lessons/${id}/cancel`, body);
  /** 临时上课: a lesson of the course from now on, outside the timetable. */
  addAdHocLesson = (courseId: number, body: AdHocLessonCreate) => this.http.post<AdHocLesson>(`/api/courses/${courseId}/ad-hoc-lessons`, body);
  calendarDays = (regionId: number) => this.http.get<CalendarDays>(`/api/regions/${regionId}/calendar-days`);
  addCalendarDay = (regionId: number, body: CalendarDayCreate) => this.http.post<CalendarDay>(`/api/regions/${regionId}/calendar-days`, body);
  deleteCalendarDay = (id: number) => this.http.delete<null>(`/api/calendar-days/${id}`);
  myLessons = (from: Date, to: Date) => this.http.get<MyLessons>('/api/me/lessons', { from: from.toISOString(), to: to.toISOString() });
}
