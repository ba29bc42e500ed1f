//! The settings as command-line flags: clap's side of [`Config`].
//!
//! Every [`Setting`] becomes a global `--flag` (its [`Setting::flag`]) that falls back to its
//! environment variable and then its default, with the setting's documentation as help. The
//! values are then read by [`Config::from_lookup`], so flags and variables parse alike.

use clap::builder::PossibleValuesParser;
use clap::error::ErrorKind;
use clap::{Arg, ArgAction, ArgMatches, Command};

use crate::config::{invalid_value, Config, ConfigError, Setting};

/// [`Config`] as clap arguments: flatten it into a parser (`#[command(flatten)]`), then take
/// [`ConfigArgs::config`].
///
/// A value that does not parse is a clap error naming the flag and its variable (a secret's
/// value is never shown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigArgs {
    /// The settings read from the flags, their variables and defaults.
    pub config: Config,
}

impl From<ConfigArgs> for Config {
    fn from(args: ConfigArgs) -> Self {
        args.config
    }
}

/// The flag of one setting.
fn arg(setting: &Setting) -> Arg {
    let help = setting.help();
    // clap's convention: a one-paragraph help has no final period.
    let help = help.strip_suffix('.').unwrap_or(&help).to_owned();
    let mut arg = Arg::new(setting.field)
        .long(setting.flag())
        .value_name(setting.field.to_uppercase())
        .env(setting.var)
        .hide_env_values(setting.secret)
        .help(help)
        .action(ArgAction::Set)
        .global(true);
    if let Some(default) = setting.default {
        arg = arg.default_value(default);
    }
    if !setting.values.is_empty() {
        arg = arg.value_parser(PossibleValuesParser::new(setting.values));
    }
    arg
}

impl clap::Args for ConfigArgs {
    fn augment_args(cmd: Command) -> Command {
        Setting::ALL
            .iter()
            .fold(cmd, |cmd, setting| cmd.arg(arg(setting)))
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        Self::augment_args(cmd)
    }
}

impl clap::FromArgMatches for ConfigArgs {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let config = Config::from_lookup(|var| {
            let setting = Setting::ALL.iter().find(|s| s.var == var)?;
            matches.get_one::<String>(setting.field).cloned()
        })
        .map_err(|error| {
            let setting = error.setting();
            let name = format!("--{} ({})", setting.flag(), setting.var);
            let message = match &error {
                ConfigError::Invalid { value, reason, .. } => {
                    invalid_value(&name, value.as_deref(), reason)
                }
                other => format!("{name}: {other}"),
            };
            clap::Error::raw(ErrorKind::ValueValidation, message)
        })?;
        Ok(Self { config })
    }

    /// Reads every setting again from `matches` (a flag, else its variable, else its default).
    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use clap::{Args, FromArgMatches};

    use crate::config::EVERY_SETTING;

    /// The flags alone, without their variables: the process environment is not read.
    fn parse(flags: &[&str]) -> Result<Config, clap::Error> {
        let mut cmd =
            ConfigArgs::augment_args(Command::new("x")).mut_args(|arg| arg.env(None::<&str>));
        let matches =
            cmd.try_get_matches_from_mut(std::iter::once("x").chain(flags.iter().copied()))?;
        // Formatted as `Parser::parse` formats it (usage and all).
        ConfigArgs::from_arg_matches(&matches)
            .map(Config::from)
            .map_err(|error| error.format(&mut cmd))
    }

    #[test]
    fn the_cli_defaults_are_the_config_defaults() {
        assert_eq!(parse(&[]).unwrap(), Config::from_lookup(|_| None).unwrap());
    }

    #[test]
    fn each_flag_sets_its_field() {
        // A value for every setting, given once as flags and once as variables: both read the
        // same.
        let values = EVERY_SETTING;
        assert_eq!(values.len(), Setting::ALL.len(), "a setting is missing");
        let flags: Vec<String> = values
            .iter()
            .map(|(var, value)| {
                let setting = Setting::ALL.iter().find(|s| s.var == *var).unwrap();
                format!("--{}={value}", setting.flag())
            })
            .collect();
        let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
        let config = parse(&flags).unwrap();
        let expected = Config::from_lookup(|var| {
            let (_, value) = values.iter().find(|(name, _)| *name == var)?;
            Some((*value).to_owned())
        })
        .unwrap();
        assert_eq!(config, expected);
        assert_eq!(config.listen, "0.0.0.0:9".parse().unwrap());
        assert_eq!(config.group_commit_writers, 2);
        assert_eq!(
            config.trusted_proxy_header.as_deref(),
            Some("x-forwarded-for")
        );
        assert_ne!(config, Config::from_lookup(|_| None).unwrap());
    }

    #[test]
    fn every_flag_names_its_variable_in_the_help() {
        let help = ConfigArgs::augment_args(Command::new("x"))
            .render_long_help()
            .to_string();
        for setting in Setting::ALL {
            let flag = format!("--{} <{}>", setting.flag(), setting.field.to_uppercase());
            assert!(help.contains(&flag), "{flag} missing from:\n{help}");
            assert!(
                help.contains(&format!("[env: {}", setting.var)),
                "{}",
                setting.var
            );
        }
    }

    #[test]
    fn a_bad_value_names_the_flag_and_the_variable() {
        let error = parse(&["--max-body", "2MB"]).unwrap_err().to_string();
        assert!(
            error.contains(
                "invalid value '2MB' for --max-body (STRIPE_RECEIVER_MAX_BODY): invalid digit"
            ),
            "{error}"
        );
        let error = parse(&["--group-commit", "sometimes"])
            .unwrap_err()
            .to_string();
        assert!(error.contains("auto, on, off"), "{error}");
    }

    #[test]
    fn a_rejected_api_key_is_named_not_shown() {
        for (flag, key, variable) in [
            (
                "--stripe-test-secret-key",
                "sk_live_51SECRETVALUE",
                "STRIPE_TEST_SECRET_KEY",
            ),
            (
                "--stripe-live-secret-key",
                "sk_test_51SECRETVALUE",
                "STRIPE_LIVE_SECRET_KEY",
            ),
            (
                "--stripe-test-secret-key",
                "pk_test_51SECRETVALUE",
                "STRIPE_TEST_SECRET_KEY",
            ),
        ] {
            let Err(error) = parse(&[flag, key]) else {
                panic!("{key} was accepted for {flag}");
            };
            let text = error.to_string();
            assert!(!text.contains("SECRETVALUE"), "the key leaked: {text}");
            assert!(text.contains(variable) && text.contains(flag), "{text}");
        }
        let ok = parse(&["--stripe-test-secret-key", "sk_test_51ok"]);
        assert!(ok.is_ok_and(|config| config.stripe_test_secret_key.is_some()));
    }
}
