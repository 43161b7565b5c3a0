import type { LessonEventSink } from './events.js';
import type { LessonMediaHost } from './media-worker.js';
import type { ReceivedStream } from './received-stream.js';

/**
 * Reports a consumer's life upward — score and layer changes, and its close with the reason — and counts
 * it on its worker while it is open (the worker's load for placement).
 */
export function reportConsumer(stream: ReceivedStream, host: LessonMediaHost, sink: LessonEventSink): void {
  const { consumer } = stream;
  const { participantId } = consumer.appData;
  const consumerId = consumer.id;
  let reason: 'producer-closed' | 'closed' = 'closed';
  host.consumerOpened();
  consumer.on('producerclose', () => {
    reason = 'producer-closed';
  });
  consumer.on('score', ({ score, producerScore }) => {
    sink.emit('consumer-score', { participantId, consumerId, score, producerScore });
  });
  consumer.on('layerschange', (layers) => {
    sink.emit('consumer-layers', {
      participantId,
      consumerId,
      spatialLayer: layers?.spatialLayer ?? null,
      temporalLayer: layers?.temporalLayer ?? null,
    });
  });
  // mediasoup emits the observer's 'close' after 'producerclose', whatever closed the consumer.
  consumer.observer.once('close', () => {
    host.consumerClosed();
    sink.emit('consumer-closed', { participantId, consumerId, producerId: consumer.producerId, reason });
  });
}
