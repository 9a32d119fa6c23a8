import { z } from "zod";
import type { UserRow } from "../platform/db/schema/index.js";

const email = z
  .string()
  .trim()
  .max(255)
  .pipe(z.email({ message: "must be an email address" }));

export const registerSchema = z.strictObject({
  email,
  password: z.string().min(8, "must be at least 8 characters").max(256),
  username: z.string().trim().min(1).max(255).optional(),
});

export const loginSchema = z.strictObject({ email, password: z.string().min(1).max(256) });

export const userSchema = z
  .object({ id: z.uuid(), email: z.string(), username: z.string().nullable() })
  .meta({ id: "User" });

export const accountDeletedSchema = z.object({ deleted: z.literal(true), id: z.uuid() });

export const tokenSchema = z.object({
  access_token: z.string(),
  token_type: z.literal("bearer"),
  expires_in: z.number().int(),
});

export const authConfigSchema = z.object({
  mode: z.enum(["local", "cognito", "disabled"]),
  cognito: z
    .object({
      region: z.string(),
      user_pool_id: z.string(),
      client_id: z.string(),
      domain: z.string().nullable(),
    })
    .nullable(),
});

export const toUser = (u: UserRow) => ({ id: u.id, email: u.email, username: u.username });
