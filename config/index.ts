/**
 * The broker config: schema, defaults, loading (file, `DOMO_*` environment, CLI overrides) and
 * {@link ConfigError}. Every key is documented in docs/configuration.md.
 * @packageDocumentation
 */
export {
  brokerConfigSchema,
  servicePolicySchema,
  defaultConfig,
  type BrokerConfig,
  type BrokerConfigInput,
  type ServicePolicy,
} from "./schema.js";
export * from "./defaults.js";
export { ConfigError, CONFIG_ERR_INVALID, formatIssue, formatIssues, type ConfigIssue } from "./errors.js";
export { loadConfig, parseConfigText, type LoadConfigOptions, type LoadedConfig } from "./load.js";
export { ENV_ALIASES, ENV_PREFIX, envName, envVariables } from "./env.js";
