/** What the health check and metrics need to know of the media layer (implemented by media/'s pool). */
export interface MediaHealth {
  readonly alive: boolean;
  readonly workers: ReadonlyArray<{ index: number; pid: number; alive: boolean; routerCount: number; consumerCount: number }>;
}
