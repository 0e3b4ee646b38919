import { describe, expect, it } from 'vitest';
import { escapeText, foldLine, formatIcs, formatUtc } from './ics.ts';

const unfold = (s: string) => s.replace(/\r\n /g, '');

describe('ics', () => {
  it('escapes backslash, semicolon, comma and newlines in TEXT', () => {
    expect(escapeText('a\\b;c,d\ne\r\nf\rg')).toBe('a\\\\b\\;c\\,d\\ne\\nf\\ng');
    expect(escapeText('tab\tok\u0007bell')).toBe('tab\tokbell');
  });

  it('formats instants in UTC basic format', () => {
    expect(formatUtc(new Date('2030-03-04T05:06:07.890+02:00'))).toBe('20300304T030607Z');
  });

  it('leaves lines of 75 octets alone and folds longer ones at 75 octets', () => {
    const exact = 'X'.repeat(75);
    expect(foldLine(exact)).toBe(exact);
    const long = 'SUMMARY:' + 'a'.repeat(200);
    const folded = foldLine(long);
    const lines = folded.split('\r\n');
    expect(lines.length).toBe(3);
    for (const l of lines) expect(Buffer.byteLength(l)).toBeLessThanOrEqual(75);
    expect(lines[0]).toHaveLength(75);
    expect(lines[1]?.startsWith(' ')).toBe(true);
    expect(unfold(folded)).toBe(long);
  });

  it('never splits a multi-byte UTF-8 character across a fold', () => {
    const long = 'SUMMARY:' + '€😀é'.repeat(40);
    const folded = foldLine(long);
    for (const l of folded.split('\r\n')) {
      expect(Buffer.byteLength(l)).toBeLessThanOrEqual(75);
      // Every physical line is valid UTF-8 on its own.
      expect(Buffer.from(l, 'utf8').toString('utf8')).toBe(l);
      expect(l).not.toContain('\uFFFD');
    }
    expect(unfold(folded)).toBe(long);
  });

  it('produces a complete VCALENDAR with CRLF line endings', () => {
    const ics = formatIcs({
      uid: 'abc@example.com',
      stamp: new Date('2030-01-01T00:00:00Z'),
      start: new Date('2030-01-02T10:00:00Z'),
      end: new Date('2030-01-02T11:30:00Z'),
      summary: 'Plan; review, and ship\\now',
      url: 'https://example.com/m/abc',
      description: 'Join: https://example.com/m/abc',
    });
    expect(ics.endsWith('\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = unfold(ics).split('\r\n');
    expect(lines.slice(0, 6)).toEqual(['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Convene//Convene Meetings//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH', 'BEGIN:VEVENT']);
    expect(lines).toContain('UID:abc@example.com');
    expect(lines).toContain('DTSTAMP:20300101T000000Z');
    expect(lines).toContain('DTSTART:20300102T100000Z');
    expect(lines).toContain('DTEND:20300102T113000Z');
    expect(lines).toContain('SUMMARY:Plan\\; review\\, and ship\\\\now');
    expect(lines).toContain('URL:https://example.com/m/abc');
    expect(lines).toContain('DESCRIPTION:Join: https://example.com/m/abc');
    expect(lines.slice(-3)).toEqual(['END:VEVENT', 'END:VCALENDAR', '']);
  });
});
