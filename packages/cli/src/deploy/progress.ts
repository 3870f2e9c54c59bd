/** Where deploy and status say what they are doing while they wait on AWS. */
export interface Progress {
  /** Whether the display refreshes in place: then polling may fetch extra detail (instances done) to show. */
  readonly live: boolean;
  /** The current state of one item (a stack set, a stack): replaces its previous state. */
  update(item: string, text: string): void;
  /** The item is finished: its last line stays. */
  done(item: string, text: string): void;
  /** Always shown, whatever the display. */
  warn(text: string): void;
  stop(): void;
}

export const silentProgress: Progress = { live: false, update() {}, done() {}, warn() {}, stop() {} };

/** Not a terminal (CI, a pipe): one plain line per change of state, nothing that redraws. */
export function plainProgress(write: (s: string) => void): Progress {
  const last = new Map<string, string>();
  return {
    live: false,
    update(item, text) {
      if (last.get(item) === text) return;
      last.set(item, text);
      write(`${item}: ${text}\n`);
    },
    done(item, text) {
      last.set(item, text);
      write(`${item}: ${text}\n`);
    },
    warn: (text) => write(`warning: ${text}\n`),
    stop() {},
  };
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A terminal: one line per item with a spinner and the time elapsed, redrawn in place. */
export function liveProgress(stream: { write(s: string): unknown }, now: () => number = Date.now): Progress {
  const items = new Map<string, { text: string; started: number; finished?: boolean }>();
  let drawn = 0;
  let frame = 0;
  const draw = () => {
    frame = (frame + 1) % FRAMES.length;
    let out = drawn ? `\x1b[${drawn}A` : '';
    for (const [name, item] of items) {
      const secs = Math.round((now() - item.started) / 1000);
      const mark = item.finished ? ' ' : FRAMES[frame];
      out += `\x1b[2K${mark} ${name}  ${item.text}${item.finished ? '' : `  ${secs}s`}\n`;
    }
    drawn = items.size;
    stream.write(out);
  };
  const timer = setInterval(draw, 120);
  timer.unref?.();
  return {
    live: true,
    update(item, text) {
      const current = items.get(item);
      items.set(item, { text, started: current?.started ?? now() });
      draw();
    },
    done(item, text) {
      items.set(item, { text, started: items.get(item)?.started ?? now(), finished: true });
      draw();
    },
    warn(text) {
      // Above the live block, which is drawn again below it.
      stream.write(`${drawn ? `\x1b[${drawn}A\x1b[0J` : ''}warning: ${text}\n`);
      drawn = 0;
      draw();
    },
    stop() {
      clearInterval(timer);
      if (items.size) draw();
    },
  };
}
