/**
 * Kubernetes `Status` errors with the codes, reasons and wording of the real API server
 * (k8s.io/apimachinery/pkg/api/errors), so clients such as kubectl and helm recognise them.
 */

export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): StatusBody {
    const s: StatusBody = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, code: this.code };
    if (this.details) s.details = this.details;
    return s;
  }
}

/** A resource's qualified name as the API server prints it: `deployments.apps`, `pods`. */
export function qualified(r: { group: string; plural: string }): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}

type R = { group: string; plural: string; kind?: string };

export const errors = {
  notFound(r: R, name: string): ApiError {
    return new ApiError(404, 'NotFound', `${qualified(r)} "${name}" not found`, { name, group: r.group, kind: r.plural });
  },
  alreadyExists(r: R, name: string): ApiError {
    return new ApiError(409, 'AlreadyExists', `${qualified(r)} "${name}" already exists`, { name, group: r.group, kind: r.plural });
  },
  conflict(r: R, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again'): ApiError {
    return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(r)} "${name}": ${why}`, { name, group: r.group, kind: r.plural });
  },
  invalid(r: { group: string; kind: string }, name: string, causes: StatusCause[]): ApiError {
    const qk = r.group ? `${r.kind}.${r.group}` : r.kind;
    const list = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
    const msg = list.length === 1 ? `${qk} "${name}" is invalid: ${list[0]}` : `${qk} "${name}" is invalid: [${list.join(', ')}]`;
    return new ApiError(422, 'Invalid', msg, { name, group: r.group, kind: r.kind, causes });
  },
  badRequest(message: string): ApiError {
    return new ApiError(400, 'BadRequest', message);
  },
  gone(message: string): ApiError {
    return new ApiError(410, 'Expired', message);
  },
  tooLarge(message = 'Request entity too large: limit is 1572864 bytes'): ApiError {
    return new ApiError(413, 'RequestEntityTooLarge', message);
  },
  tooManyRequests(message = 'Too many requests, please try again later.'): ApiError {
    return new ApiError(429, 'TooManyRequests', message, { retryAfterSeconds: 1 });
  },
  methodNotAllowed(message = 'the server does not allow this method on the requested resource'): ApiError {
    return new ApiError(405, 'MethodNotAllowed', message);
  },
  notFoundPath(): ApiError {
    return new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  },
  unsupportedMediaType(ct: string): ApiError {
    return new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got ${ct})`);
  },
  internal(message: string): ApiError {
    return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`);
  },
};
