/** The rows every ingest-side bench sends: one generator, so their figures describe the same traffic. */
export interface Row {
  requestId: string;
  occurredAt: string;
  modelVersion: string;
  prompt: string;
  response: string;
  latencyMs: number;
  responseLogprob: number;
  userId: string;
}

const WORDS = 'the a to of and in is it you that for on with as are this be at have or from by not can your what all were when we there use an each which do how their if will up other about out many then them these so some'.split(' ');

/** Realistic chat traffic: 300–700 character prompts, a tenth with an email or phone number, ~3% low-confidence answers. */
export function makeRows(n: number, tag: string): Row[] {
  const rows: Row[] = [];
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const text = (len: number) => {
    let s = '';
    while (s.length < len) s += WORDS[Math.floor(rand() * WORDS.length)] + ' ';
    return s.trim();
  };
  const t0 = Date.now() - 3_600_000;
  for (let i = 0; i < n; i++) {
    let prompt = text(300 + Math.floor(rand() * 400));
    if (i % 20 === 0) prompt += ` contact me at user${i}@example.com`;
    if (i % 20 === 10) prompt += ` or call +44 20 7946 ${String(1000 + (i % 9000)).padStart(4, '0')}`;
    rows.push({
      requestId: `${tag}-${i}`,
      occurredAt: new Date(t0 + i).toISOString(),
      modelVersion: `bench-v${i % 3}`,
      prompt,
      response: text(150 + Math.floor(rand() * 300)),
      latencyMs: 50 + (i % 400),
      // Realistic confidence: ~3% of answers below the default LOW_CONFIDENCE_LOGPROB (-3), which the
      // service tags low_confidence and queues for review (work the raw ceiling does not do).
      responseLogprob: rand() < 0.03 ? -3 - rand() * 3 : -rand() * 2.5,
      userId: `user-${i % 5000}`,
    });
  }
  return rows;
}

