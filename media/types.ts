/**
 * The mediasoup types the rest of the project may name. Only media/ imports 'mediasoup', so that
 * moving to another mediasoup release is a change in this folder.
 */
import type { types as mediasoup } from 'mediasoup';

export type AppData = mediasoup.AppData;
export type MediaKind = mediasoup.MediaKind;

export type RtpCapabilities = mediasoup.RtpCapabilities;
export type RtpCodecCapability = mediasoup.RtpCodecCapability;
export type RtpParameters = mediasoup.RtpParameters;
export type RtpEncodingParameters = mediasoup.RtpEncodingParameters;
export type SctpCapabilities = mediasoup.SctpCapabilities;
export type SctpStreamParameters = mediasoup.SctpStreamParameters;

export type DtlsParameters = mediasoup.DtlsParameters;
export type DtlsState = mediasoup.DtlsState;
export type IceCandidate = mediasoup.IceCandidate;
export type IceParameters = mediasoup.IceParameters;
export type IceState = mediasoup.IceState;
export type TransportListenIp = mediasoup.TransportListenIp;
export type TransportTuple = mediasoup.TransportTuple;

export type Router<T extends AppData = AppData> = mediasoup.Router<T>;
export type WebRtcTransport<T extends AppData = AppData> = mediasoup.WebRtcTransport<T>;
export type WebRtcTransportOptions<T extends AppData = AppData> = mediasoup.WebRtcTransportOptions<T>;
export type PlainTransport<T extends AppData = AppData> = mediasoup.PlainTransport<T>;
export type WebRtcServer<T extends AppData = AppData> = mediasoup.WebRtcServer<T>;
export type ActiveSpeakerObserver<T extends AppData = AppData> = mediasoup.ActiveSpeakerObserver<T>;
export type Producer<T extends AppData = AppData> = mediasoup.Producer<T>;
export type Consumer<T extends AppData = AppData> = mediasoup.Consumer<T>;
export type DataProducer<T extends AppData = AppData> = mediasoup.DataProducer<T>;
export type DataConsumer<T extends AppData = AppData> = mediasoup.DataConsumer<T>;
export type ProducerStat = mediasoup.ProducerStat;
export type ConsumerStat = mediasoup.ConsumerStat;
export type ConsumerLayers = mediasoup.ConsumerLayers;
export type ConsumerScore = mediasoup.ConsumerScore;
export type ConsumerType = mediasoup.ConsumerType;
export type WebRtcTransportStat = mediasoup.WebRtcTransportStat;
export type PlainTransportStat = mediasoup.PlainTransportStat;

export type WorkerLogLevel = mediasoup.WorkerLogLevel;
export type WorkerResourceUsage = mediasoup.WorkerResourceUsage;
