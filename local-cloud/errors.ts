/**
 * Hetzner's error format: `{"error": {"code", "message", "details"}}` with the
 * HTTP status the API reference gives for each code. Every error the local API
 * answers is built here, so codes and statuses stay consistent.
 */

/** HTTP status per error code (Hetzner Cloud API reference, "Errors"). */
const STATUS: Record<string, number> = {
  invalid_input: 400,
  json_error: 400,
  unauthorized: 401,
  forbidden: 403,
  resource_limit_exceeded: 403,
  not_found: 404,
  method_not_allowed: 405,
  uniqueness_error: 409,
  conflict: 409,
  // Resource-specific "this cannot be done now" codes answer 422.
  server_not_stopped: 422,
  server_already_attached: 422,
  volume_already_attached: 422,
  firewall_already_applied: 422,
  firewall_already_removed: 422,
  firewall_resource_not_found: 422,
  firewall_managed_by_label_selector: 422,
  server_already_added: 422,
  private_net_only_server: 422,
  must_be_unassigned: 422,
  incorrect_zone_mode: 422,
  resource_in_use: 422,
  ip_not_available: 422,
  no_subnet_available: 422,
  networks_overlap: 422,
  placement_error: 422,
  primary_ip_assigned: 422,
  primary_ip_datacenter_mismatch: 422,
  primary_ip_version_mismatch: 412,
  server_has_ipv4: 422,
  server_has_ipv6: 422,
  locked: 423,
  protected: 423,
  rate_limit_exceeded: 429,
  server_error: 500,
  bad_gateway: 502,
  service_error: 503,
  maintenance: 503,
  resource_unavailable: 503,
  timeout: 504,
};

export class ApiError extends Error {
  readonly status: number;
  constructor(readonly code: string, message: string, readonly details: unknown = {}, status?: number) {
    super(message);
    this.name = 'ApiError';
    this.status = status ?? STATUS[code] ?? 400;
  }

  /** The response body Hetzner sends. */
  toBody(): { error: { code: string; message: string; details: unknown } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

/** `invalid_input` with Hetzner's `details.fields` list. */
export function invalidInput(field: string, message: string): ApiError {
  return new ApiError('invalid_input', `invalid input in field '${field}': ${message}`, {
    fields: [{ name: field, messages: [message] }],
  });
}

export function notFound(kind: string, id: string | number): ApiError {
  return new ApiError('not_found', `${kind} with ID '${id}' not found`);
}

export function uniqueness(kind: string, field: string, value: string): ApiError {
  return new ApiError('uniqueness_error', `${kind} ${field} '${value}' is already used`, { fields: [{ name: field }] });
}

export function protectedError(kind: string, id: number | string, what: 'delete' | 'rebuild' | 'change'): ApiError {
  return new ApiError('protected', `${kind} ${id} is protected against ${what}; disable its ${what} protection first`);
}

/**
 * The error an injected fault answers with, by HTTP status, with the code and
 * message Hetzner sends for it: 409 `conflict` and 429 `rate_limit_exceeded`
 * (which clients retry), 423 `locked` (another action is running on the
 * resource), 500 `server_error`, 502, 503, 504.
 */
export function injectedError(status: number): ApiError {
  switch (status) {
    case 409:
      return new ApiError('conflict', 'The resource has changed during the request, please retry');
    case 423:
      return new ApiError('locked', 'The item you are trying to access is locked (there is already an Action running)');
    case 429:
      return new ApiError('rate_limit_exceeded', 'limit of 3600 requests per hour reached');
    default: {
      const code = status === 502 ? 'bad_gateway' : status === 503 ? 'service_error' : status === 504 ? 'timeout' : 'server_error';
      return new ApiError(code, `injected fault: ${code}`, {}, status);
    }
  }
}
