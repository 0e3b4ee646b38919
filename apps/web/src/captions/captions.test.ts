import { describe, expect, it } from 'vitest';
import { applyCaption, emptyCaptions, expireLines, FINAL_TTL_MS, isTyping, mergeHistory, OVERLAY_LINES, transcriptUrl, type CaptionEvent } from './captions.ts';

const ev = (participantId: string, kind: 'partial' | 'final', text: string, at = 1000): CaptionEvent => ({ participantId, kind, text, at });

describe('captions', () => {
  it('a partial is replaced live, then by the final, which goes to the transcript', () => {
    let s = emptyCaptions();
    s = applyCaption(s, ev('a', 'partial', 'please'), 'Alice', 0);
    s = applyCaption(s, ev('a', 'partial', 'please call'), 'Alice', 10);
    expect(s.lines.map((l) => [l.name, l.text, l.final])).toEqual([['Alice', 'please call', false]]);
    expect(s.transcript).toEqual([]);
    s = applyCaption(s, ev('a', 'final', 'please call me back'), 'Alice', 20);
    expect(s.lines.map((l) => [l.text, l.final])).toEqual([['please call me back', true]]);
    expect(s.transcript.map((l) => l.text)).toEqual(['please call me back']);
    // The next utterance starts a new line.
    s = applyCaption(s, ev('a', 'partial', 'tomorrow'), 'Alice', 30);
    expect(s.lines.map((l) => l.text)).toEqual(['please call me back', 'tomorrow']);
  });

  it('keeps each speaker on their own line, and only the last few lines', () => {
    let s = emptyCaptions();
    s = applyCaption(s, ev('a', 'partial', 'hello'), 'Alice', 0);
    s = applyCaption(s, ev('b', 'partial', 'hi'), 'Bob', 0);
    s = applyCaption(s, ev('a', 'partial', 'hello there'), 'Alice', 0);
    expect(s.lines.map((l) => `${l.name}: ${l.text}`)).toEqual(['Alice: hello there', 'Bob: hi']);
    for (let i = 0; i < 5; i++) s = applyCaption(s, ev('a', 'final', `line ${i}`), 'Alice', 0);
    expect(s.lines).toHaveLength(OVERLAY_LINES);
    expect(s.lines.at(-1)!.text).toBe('line 4');
    expect(s.transcript.map((l) => l.text)).toEqual(['line 0', 'line 1', 'line 2', 'line 3', 'line 4']);
  });

  it('an empty final clears the partial; old lines expire', () => {
    let s = emptyCaptions();
    s = applyCaption(s, ev('a', 'partial', 'uh'), 'Alice', 0);
    s = applyCaption(s, ev('a', 'final', '  '), 'Alice', 0);
    expect(s.lines).toEqual([]);
    expect(s.transcript).toEqual([]);
    s = applyCaption(s, ev('a', 'final', 'done'), 'Alice', 0);
    expect(expireLines(s, FINAL_TTL_MS - 1).lines).toHaveLength(1);
    expect(expireLines(s, FINAL_TTL_MS).lines).toHaveLength(0);
    expect(expireLines(s, FINAL_TTL_MS).transcript).toHaveLength(1);
  });

  it('earlier lines from the history go before live ones in time order, once, and never to the overlay', () => {
    let s = applyCaption(emptyCaptions(), ev('b', 'final', 'live line', 3000), 'Bo', 0);
    const history = [
      { participantId: 'a', name: 'Ada (left)', text: 'first', at: 1000 },
      { participantId: 'b', name: 'Bo', text: 'live line', at: 3000 },
      { participantId: 'a', name: 'Ada (left)', text: 'second', at: 2000 },
    ];
    s = mergeHistory(s, history);
    expect(s.transcript.map((l) => [l.name, l.text])).toEqual([['Ada (left)', 'first'], ['Ada (left)', 'second'], ['Bo', 'live line']]);
    expect(s.lines.map((l) => l.text)).toEqual(['live line']);
    expect(new Set(s.transcript.map((l) => l.id)).size).toBe(3);
    expect(mergeHistory(s, history)).toBe(s); // fetched again (captions back on): nothing new
  });

  it('builds transcript URLs and recognises typing targets', () => {
    expect(transcriptUrl('abc', 'vtt')).toBe('/api/meetings/abc/transcript?format=vtt');
    expect(isTyping({ tagName: 'INPUT' } as unknown as EventTarget)).toBe(true);
    expect(isTyping({ tagName: 'BUTTON' } as unknown as EventTarget)).toBe(false);
    expect(isTyping(null)).toBe(false);
  });
});
