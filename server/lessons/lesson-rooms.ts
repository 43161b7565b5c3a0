import type { Namespace, Socket } from 'socket.io';
import type { AudiencePart, LessonAudience } from './audience.js';
import type { SiteChannel } from './running-lesson.js';

/**
 * The gateway's side of lesson audiences: each live lesson is a Socket.IO room of the `/lesson` namespace,
 * and each socket's site channel knows its socket, so that RunningLesson can put it in and out of the room
 * without knowing about sockets. An event for the whole lesson is then one `to(room).emit`: encoded once.
 */
export class LessonRooms {
  #namespace: Namespace | null = null;
  readonly #sockets = new WeakMap<SiteChannel, Socket>();

  /** The namespace the rooms live in; until it is bound (no gateway yet) nobody can be in a room. */
  bind(namespace: Namespace): void {
    this.#namespace = namespace;
  }

  /** The channel to one socket's site. */
  channelOf(socket: Socket): SiteChannel {
    const channel: SiteChannel = {
      emit: (event, payload) => void socket.emit(event, payload),
      disconnect: () => void socket.disconnect(true),
      // The transport, not the Socket.IO session: the client sees a lost link and reconnects by itself.
      drop: () => void socket.conn.close(),
    };
    this.#sockets.set(channel, socket);
    return channel;
  }

  /** The lesson's room, and within it one room per part of its audience. */
  audienceFor(lessonSessionId: number): LessonAudience {
    const room = `lesson:${lessonSessionId}`;
    const partRoom = (part: AudiencePart) => `${room}:${part}`;
    return {
      add: (channel, part) => void this.#socketOf(channel).join([room, partRoom(part)]),
      remove: (channel) => {
        const socket = this.#sockets.get(channel);
        for (const r of [room, partRoom('followers'), partRoom('sites')]) void socket?.leave(r);
      },
      emit: (event, payload, part) => void this.#namespace?.to(part ? partRoom(part) : room).emit(event, payload),
    };
  }

  #socketOf(channel: SiteChannel): Socket {
    const socket = this.#sockets.get(channel);
    // Every channel of a gateway lesson is made by channelOf: another one here is a bug, not a request.
    if (!socket) throw new Error('a lesson channel the gateway did not make cannot join a lesson room');
    return socket;
  }
}
