import type { RegionTargetsBody } from '../../shared/api/evidence-usage.js';
import type { Role } from '../../shared/roles.js';
import type { LessonKind, SchoolGroupRole, SchoolLocality, SchoolStage, Subject } from '../../shared/subjects.js';

/*
 * The demo county 青山县 as data. Everything is named by its natural key (region code, names within their
 * parent, usernames) so that seeding twice finds what the first run made. Accounts listed in
 * demo-logins.ts are not repeated here.
 */

export const DEMO_REGION = { code: 'qingshan', name: '青山县' } as const;

/**
 * The county's routine-use targets (常态化), set as a county sets them for its teaching points, so that the
 * dashboard and the printed evidence show who meets them from the first start.
 */
export const DEMO_TARGETS: Readonly<Required<RegionTargetsBody>> = {
  lessonsPerWeek: 2,
  subjectsPerTerm: 4,
  attendancePct: 85,
  requiredSubjects: ['music', 'art', 'pe'],
  // No usage-equity target: a county sets one of its own if it wants; 0.5 here read like the resource
  // indicators' national limit, against which the spread of shared-lesson hours is not to be read.
  maxCv: null,
  appliesTo: ['teaching_point'],
};

export interface DemoClassroom {
  name: string;
  /** false for a lead school's host classrooms; receiving classrooms can pair a device. */
  receiving: boolean;
  /** Students (or, for teaching research, teachers) usually in the room for a shared lesson. */
  classSize: number;
}

export interface DemoSchool {
  name: string;
  groupRole: SchoolGroupRole;
  locality: SchoolLocality;
  stage: SchoolStage;
  studentCount: number;
  classrooms: readonly DemoClassroom[];
  /** Teaching points: the assistant teacher who runs the receiving classroom (username). */
  assistant?: string;
}

export interface DemoGroup {
  name: string;
  /** Name of the lead school (listed first in `schools`). */
  lead: string;
  schools: readonly DemoSchool[];
}

const RECEIVING = '接收教室';
const HOST_ROOMS_PRIMARY: readonly DemoClassroom[] = [
  { name: '同步课堂主讲教室一', receiving: false, classSize: 45 },
  { name: '同步课堂主讲教室二', receiving: false, classSize: 45 },
  { name: '录播教室', receiving: false, classSize: 40 },
  { name: '四年级（1）班', receiving: true, classSize: 46 },
];
const HOST_ROOMS_JUNIOR: readonly DemoClassroom[] = [
  { name: '同步课堂主讲教室', receiving: false, classSize: 45 },
  { name: '录播教室', receiving: false, classSize: 40 },
  { name: '智慧教室', receiving: false, classSize: 50 },
];
const multimediaRoom = (classSize: number): DemoClassroom[] => [{ name: '多媒体教室', receiving: true, classSize }];
const teachingPointRoom = (classSize: number): DemoClassroom[] => [{ name: RECEIVING, receiving: true, classSize }];

export const DEMO_GROUPS: readonly DemoGroup[] = [
  {
    name: '青山县实验小学教育集团',
    lead: '青山县实验小学',
    schools: [
      { name: '青山县实验小学', groupRole: 'lead', locality: 'urban', stage: 'primary', studentCount: 2180, classrooms: HOST_ROOMS_PRIMARY },
      { name: '青山县城关第二小学', groupRole: 'member', locality: 'urban', stage: 'primary', studentCount: 860, classrooms: multimediaRoom(14) },
      { name: '青山县白沙镇中心小学', groupRole: 'member', locality: 'township', stage: 'primary', studentCount: 640, classrooms: multimediaRoom(12) },
      tp('石桥村教学点', 23, 8, 'assistant.zhao'),
      tp('杨柳村教学点', 15, 6, 'assistant.yang'),
      tp('柏树坪村小', 38, 11, 'assistant.sun'),
      tp('龙溪村教学点', 9, 4, 'assistant.lin'),
    ],
  },
  {
    name: '青山县第一中学教育集团',
    lead: '青山县第一中学',
    schools: [
      { name: '青山县第一中学', groupRole: 'lead', locality: 'urban', stage: 'junior', studentCount: 1860, classrooms: HOST_ROOMS_JUNIOR },
      { name: '青山县龙潭镇中学', groupRole: 'member', locality: 'township', stage: 'junior', studentCount: 520, classrooms: multimediaRoom(42) },
      { name: '青山县马鞍镇九年一贯制学校', groupRole: 'member', locality: 'township', stage: 'nine_year', studentCount: 780, classrooms: multimediaRoom(38) },
      tp('桃园村教学点', 31, 9, 'assistant.luo'),
      tp('青石岭村小', 12, 5, 'assistant.zheng'),
    ],
  },
];

/** A rural teaching point (primary) with its one receiving classroom and its assistant teacher. */
function tp(name: string, studentCount: number, classSize: number, assistant: string): DemoSchool {
  return { name, groupRole: 'teaching_point', locality: 'rural', stage: 'primary', studentCount, classrooms: teachingPointRoom(classSize), assistant };
}

/** A staff account beyond the featured demo logins: grant of `role` at `school`. */
export interface DemoStaff {
  username: string;
  displayName: string;
  role: Extract<Role, 'teacher' | 'assistant_teacher' | 'school_admin'>;
  school: string;
}

export const DEMO_STAFF: readonly DemoStaff[] = [
  { username: 'school2', displayName: '第一中学教务处', role: 'school_admin', school: '青山县第一中学' },
  { username: 'teacher.zhang', displayName: '张老师', role: 'teacher', school: '青山县实验小学' },
  { username: 'teacher.liu', displayName: '刘老师', role: 'teacher', school: '青山县实验小学' },
  { username: 'teacher.zhou', displayName: '周老师', role: 'teacher', school: '青山县实验小学' },
  { username: 'teacher.wu', displayName: '吴老师', role: 'teacher', school: '青山县实验小学' },
  { username: 'teacher.xu', displayName: '徐老师', role: 'teacher', school: '青山县第一中学' },
  { username: 'teacher.ma', displayName: '马老师', role: 'teacher', school: '青山县第一中学' },
  { username: 'teacher.zhu', displayName: '朱老师', role: 'teacher', school: '青山县第一中学' },
  { username: 'teacher.hu', displayName: '胡老师', role: 'teacher', school: '青山县第一中学' },
  { username: 'teacher.guo', displayName: '郭老师', role: 'teacher', school: '青山县第一中学' },
  { username: 'teacher.he', displayName: '何老师', role: 'teacher', school: '青山县第一中学' },
  { username: 'assistant.yang', displayName: '杨老师', role: 'assistant_teacher', school: '杨柳村教学点' },
  { username: 'assistant.sun', displayName: '孙老师', role: 'assistant_teacher', school: '柏树坪村小' },
  { username: 'assistant.lin', displayName: '林老师', role: 'assistant_teacher', school: '龙溪村教学点' },
  { username: 'assistant.luo', displayName: '罗老师', role: 'assistant_teacher', school: '桃园村教学点' },
  { username: 'assistant.zheng', displayName: '郑老师', role: 'assistant_teacher', school: '青石岭村小' },
];

/** A student with an account: teaching-point students, some taught at home (送教上门). */
export interface DemoStudent {
  username: string;
  displayName: string;
  school: string;
  grade: number;
  className: string;
  homeDelivery: boolean;
}

const student = (username: string, displayName: string, school: string, grade: number, homeDelivery = false): DemoStudent => ({
  username,
  displayName,
  school,
  grade,
  className: `${'一二三四五六'[grade - 1] ?? grade}年级`,
  homeDelivery,
});

export const DEMO_STUDENTS: readonly DemoStudent[] = [
  student('student.chen', '陈同学', '石桥村教学点', 3, true),
  student('stu.shiqiao.01', '石小雨', '石桥村教学点', 3),
  student('stu.shiqiao.02', '李浩然', '石桥村教学点', 3),
  student('stu.shiqiao.03', '王欣怡', '石桥村教学点', 4),
  student('stu.yangliu.01', '杨子涵', '杨柳村教学点', 3),
  student('stu.yangliu.02', '张一鸣', '杨柳村教学点', 3),
  student('stu.baishuping.01', '刘雨萱', '柏树坪村小', 3, true),
  student('stu.baishuping.02', '黄俊杰', '柏树坪村小', 3),
  student('stu.longxi.01', '周明', '龙溪村教学点', 3),
  student('stu.taoyuan.01', '吴佳怡', '桃园村教学点', 6, true),
  student('stu.taoyuan.02', '徐天宇', '桃园村教学点', 6),
  student('stu.qingshiling.01', '孙梦瑶', '青石岭村小', 6),
];

/**
 * Bell schedule (Asia/Shanghai): 40-minute lessons, 大课间 after period 2, lunch after period 4.
 * Shared lessons use these periods, so a receiving classroom follows its own school's day.
 */
export const PERIODS: Readonly<Record<number, readonly [string, string]>> = {
  1: ['08:00', '08:40'],
  2: ['08:50', '09:30'],
  3: ['10:00', '10:40'],
  4: ['10:50', '11:30'],
  5: ['14:00', '14:40'],
  6: ['14:50', '15:30'],
  7: ['15:40', '16:20'],
};

export interface DemoCourse {
  name: string;
  subject: Subject;
  grade: number;
  kind: LessonKind;
  /** Host school and its host classroom. */
  school: string;
  hostClassroom: string;
  leadTeacher: string;
  /** Receiving schools (their receiving / multimedia classroom). */
  receivers: readonly string[];
  /** [ISO weekday, period] */
  slots: ReadonlyArray<readonly [number, number]>;
}

const PRIMARY_LEAD = '青山县实验小学';
const JUNIOR_LEAD = '青山县第一中学';
const PRIMARY_POINTS = ['石桥村教学点', '杨柳村教学点', '柏树坪村小', '龙溪村教学点'] as const;
const JUNIOR_POINTS = ['桃园村教学点', '青石岭村小'] as const;

/** 专递课堂 from a lead school to teaching points. */
const delivered = (
  name: string,
  subject: Subject,
  grade: number,
  school: string,
  hostClassroom: string,
  leadTeacher: string,
  receivers: readonly string[],
  slots: DemoCourse['slots'],
): DemoCourse => ({ name, subject, grade, kind: 'delivered', school, hostClassroom, leadTeacher, receivers, slots });

/*
 * Timetables are laid out so that no teacher, host classroom or receiving classroom has two lessons at once
 * (the seed test checks this). 王老师 teaches every weekday: music Mon–Thu, teaching research on Friday.
 */
export const DEMO_COURSES: readonly DemoCourse[] = [
  delivered('三年级音乐（石桥·杨柳）', 'music', 3, PRIMARY_LEAD, '同步课堂主讲教室二', 'teacher.wang', ['石桥村教学点', '杨柳村教学点'], [[1, 3], [3, 3]]),
  delivered('三年级音乐（柏树坪·龙溪）', 'music', 3, PRIMARY_LEAD, '同步课堂主讲教室二', 'teacher.wang', ['柏树坪村小', '龙溪村教学点'], [[2, 3], [4, 3]]),
  delivered('三年级英语', 'english', 3, PRIMARY_LEAD, '同步课堂主讲教室一', 'teacher.li', PRIMARY_POINTS, [[1, 2], [3, 2]]),
  delivered('三年级科学', 'science', 3, PRIMARY_LEAD, '同步课堂主讲教室一', 'teacher.zhou', PRIMARY_POINTS, [[2, 2], [4, 2]]),
  delivered('三年级道德与法治', 'ideology', 3, PRIMARY_LEAD, '同步课堂主讲教室一', 'teacher.wu', PRIMARY_POINTS, [[3, 5], [5, 2]]),
  delivered('三年级美术', 'art', 3, PRIMARY_LEAD, '同步课堂主讲教室二', 'teacher.zhang', PRIMARY_POINTS, [[2, 5], [5, 5]]),
  delivered('三年级体育与健康', 'pe', 3, PRIMARY_LEAD, '录播教室', 'teacher.liu', PRIMARY_POINTS, [[1, 6], [4, 6]]),
  {
    name: '名师课堂：小学音乐课堂教学研讨',
    subject: 'music',
    grade: 3,
    kind: 'master_teacher',
    school: PRIMARY_LEAD,
    hostClassroom: '录播教室',
    leadTeacher: 'teacher.wang',
    receivers: ['青山县城关第二小学', '青山县白沙镇中心小学'],
    slots: [[5, 6]],
  },
  delivered('六年级英语', 'english', 6, JUNIOR_LEAD, '同步课堂主讲教室', 'teacher.huang', JUNIOR_POINTS, [[1, 1], [3, 1]]),
  delivered('六年级科学', 'science', 6, JUNIOR_LEAD, '同步课堂主讲教室', 'teacher.xu', JUNIOR_POINTS, [[2, 1], [4, 1]]),
  delivered('六年级道德与法治', 'ideology', 6, JUNIOR_LEAD, '同步课堂主讲教室', 'teacher.guo', JUNIOR_POINTS, [[4, 5], [5, 5]]),
  delivered('六年级音乐', 'music', 6, JUNIOR_LEAD, '录播教室', 'teacher.ma', JUNIOR_POINTS, [[1, 4], [4, 4]]),
  delivered('六年级美术', 'art', 6, JUNIOR_LEAD, '录播教室', 'teacher.zhu', JUNIOR_POINTS, [[2, 5], [5, 4]]),
  delivered('六年级体育与健康', 'pe', 6, JUNIOR_LEAD, '录播教室', 'teacher.hu', JUNIOR_POINTS, [[3, 6], [5, 6]]),
  {
    name: '名校网络课堂：七年级数学',
    subject: 'mathematics',
    grade: 7,
    kind: 'open_school',
    school: JUNIOR_LEAD,
    hostClassroom: '智慧教室',
    leadTeacher: 'teacher.he',
    receivers: ['青山县龙潭镇中学', '青山县马鞍镇九年一贯制学校'],
    slots: [[1, 5], [3, 5], [5, 3]],
  },
];

/**
 * Public holidays (法定节假日) of the 2026–2027 first term: lessons on these days are seeded as cancelled.
 * Dates outside the seeded term are ignored.
 */
export const DEMO_HOLIDAYS: readonly string[] = [
  '2026-09-25', // 中秋节
  '2026-10-01',
  '2026-10-02',
  '2026-10-05',
  '2026-10-06',
  '2026-10-07', // 国庆节 (10-03/04 are a weekend)
  '2027-01-01', // 元旦
];
