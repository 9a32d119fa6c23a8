// Shapes shared by every area: the error envelope of API.md and common parameters.
import { z } from "zod";
import { securityViolationSchema } from "../errors.js";

export const errorSchema = z
  .object({
    error: z.string(),
    message: z.string(),
    detail: z
      .array(z.object({ loc: z.array(z.union([z.string(), z.number()])), msg: z.string() }))
      .optional(),
    request_id: z.string().optional(),
    security_violations: z.array(securityViolationSchema).optional(),
  })
  .meta({ id: "Error" });

/** The error responses every authenticated route can give, for the OpenAPI document. */
export const authErrors = { 401: errorSchema, 422: errorSchema, 500: errorSchema } as const;

export const idParams = z.strictObject({ id: z.uuid({ message: "must be a UUID" }) });

export const isoDate = (d: Date | string) => (d instanceof Date ? d : new Date(d)).toISOString();
export const isoDateOrNull = (d: Date | string | null) => (d === null ? null : isoDate(d));
