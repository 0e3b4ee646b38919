import { t } from '../i18n/index.ts';

/** One line for a batch of joins or leaves: "Ann joined", "Ann and Bo joined", "Ann, Bo and 28 others joined". */
export function summarize(kind: 'joined' | 'left', names: readonly string[]): string {
  const [a = '', b = ''] = names;
  if (names.length === 1) return t(kind === 'joined' ? 'joinedOne' : 'leftOne', { a });
  if (names.length === 2) return t(kind === 'joined' ? 'joinedTwo' : 'leftTwo', { a, b });
  return t(kind === 'joined' ? 'joinedMany' : 'leftMany', { a, b, count: names.length - 2 });
}

/**
 * Collects join/leave events for `windowMs` and reports one summary per kind, so thirty people
 * arriving at once make one toast, not thirty.
 */
export class JoinLeaveBatcher {
  private pending: { joined: string[]; left: string[] } = { joined: [], left: [] };
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly emit: (text: string) => void,
    private readonly windowMs = 1500,
  ) {}

  add(kind: 'joined' | 'left', names: readonly string[]): void {
    this.pending[kind].push(...names);
    this.timer ??= setTimeout(() => this.flush(), this.windowMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const kind of ['joined', 'left'] as const) {
      if (this.pending[kind].length) this.emit(summarize(kind, this.pending[kind]));
      this.pending[kind] = [];
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
