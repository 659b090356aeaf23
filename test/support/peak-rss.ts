/** Runs `action` while sampling this process's RSS; returns the growth of the peak over the start. */
export async function rssGrowth(
  action: (sample: () => void) => Promise<void>,
): Promise<{ growthMiB: number; baselineMiB: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage.rss());
  };
  const timer = setInterval(sample, 2);
  try {
    await action(sample);
    sample();
  } finally {
    clearInterval(timer);
  }
  return { growthMiB: (peak - baseline) / 2 ** 20, baselineMiB: baseline / 2 ** 20 };
}
