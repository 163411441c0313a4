/** A source of metric values for rollout analysis. A new source (Datadog, CloudWatch…) is one new file implementing this. */
export interface MetricProvider {
  readonly name: string;
  /**
   * Evaluates a query to one number. Returns `undefined` when the query has no data
   * (empty result, NaN). Throws MetricError when the provider cannot be asked.
   */
  query(query: string, at?: Date): Promise<number | undefined>;
}

export class MetricError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetricError';
  }
}
