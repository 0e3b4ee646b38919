import { ConveneError } from '@convene/protocol';
import type { QuestionBoard } from '../rooms/QuestionBoard.ts';
import type { Room } from '../rooms/Room.ts';
import { joined, ok, type Handlers } from './handler-support.ts';

function board(room: Room): QuestionBoard {
  if (!room.questions) throw new ConveneError('FORBIDDEN', 'this server has no Q&A');
  return room.questions;
}

/** Q&A: ask, upvote, moderate, list (rules in rooms/QuestionBoard.ts). */
export const questionHandlers: Pick<Handlers, 'askQuestion' | 'voteQuestion' | 'moderateQuestion' | 'questionList'> = {
  async askQuestion(s, d) {
    const { room, me } = joined(s);
    return { question: await board(room).ask(me, d.clientQuestionId, d.text) };
  },
  async voteQuestion(s, d) {
    const { room, me } = joined(s);
    await board(room).vote(me, d.questionId, d.vote);
    return ok;
  },
  async moderateQuestion(s, d) {
    const { room, me } = joined(s);
    await board(room).moderate(me, d.questionId, d.status);
    return ok;
  },
  async questionList(s) {
    const { room, me } = joined(s);
    return board(room).list(me);
  },
};
