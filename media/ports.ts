/** Which ports the pool's workers use: one WebRtcServer port each, and a range for everything else. */
export interface PortPlan {
  /** The WebRtcServer port of worker i (UDP and TCP), by slot index. */
  readonly webRtcServerPorts: readonly number[];
  /** Range for per-transport ports (PlainTransports, and WebRtcTransports when a server is missing). */
  readonly rtcMinPort: number;
  readonly rtcMaxPort: number;
}

/** The port settings of {@link MediaWorkerPoolOptions} that the plan is made from. */
export interface PortSettings {
  readonly workerCount: number;
  readonly rtcMinPort: number;
  readonly rtcMaxPort: number;
  /** Base port: worker i listens on base + i. Default: the top of the RTC range, worker i on rtcMaxPort − i. */
  readonly webRtcServerPort?: number;
}

const isPort = (port: number) => Number.isInteger(port) && port >= 1 && port <= 65535;

/**
 * Splits the configured ports. By default the WebRtcServer ports are taken from the top of the RTC range
 * and the range given to the workers shrinks by as many, so no per-transport port can ever take a server's
 * port while its worker is being replaced. An explicit base must lie outside the range for the same reason.
 * @throws {RangeError} when the settings cannot work.
 */
export function planPorts({ workerCount, rtcMinPort, rtcMaxPort, webRtcServerPort }: PortSettings): PortPlan {
  if (!isPort(rtcMinPort) || !isPort(rtcMaxPort) || rtcMinPort > rtcMaxPort) {
    throw new RangeError(`invalid RTC port range ${rtcMinPort}-${rtcMaxPort}`);
  }
  if (webRtcServerPort === undefined) {
    const rangeTop = rtcMaxPort - workerCount;
    if (rangeTop < rtcMinPort) {
      throw new RangeError(
        `RTC port range ${rtcMinPort}-${rtcMaxPort} is too small for ${workerCount} WebRtcServer ports and fallbacks`,
      );
    }
    return {
      webRtcServerPorts: Array.from({ length: workerCount }, (_, index) => rtcMaxPort - index),
      rtcMinPort,
      rtcMaxPort: rangeTop,
    };
  }
  const last = webRtcServerPort + workerCount - 1;
  if (!isPort(webRtcServerPort) || !isPort(last)) {
    throw new RangeError(`invalid WebRtcServer ports ${webRtcServerPort}-${last}`);
  }
  if (webRtcServerPort <= rtcMaxPort && last >= rtcMinPort) {
    throw new RangeError(
      `WebRtcServer ports ${webRtcServerPort}-${last} overlap the RTC port range ${rtcMinPort}-${rtcMaxPort}`,
    );
  }
  return {
    webRtcServerPorts: Array.from({ length: workerCount }, (_, index) => webRtcServerPort + index),
    rtcMinPort,
    rtcMaxPort,
  };
}
