/** The one moto launcher (testing/moto.ts): loopback only, fails clearly when moto is missing. */
export { startMoto } from "../../testing/moto";
export type { MotoServer as Moto } from "../../testing/moto";

/** Credentials the SDK needs to sign requests; moto accepts any. */
export const FAKE_CREDENTIALS = { AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", AWS_REGION: "eu-west-1" } as const;
