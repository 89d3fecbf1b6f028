//! Which shard to count: `--shard I/N`, or the job-array variables of the scheduler running
//! us (Slurm job arrays, Kubernetes Indexed Jobs). The choice is said on stderr and recorded in
//! the report.

use clap::Args;
use tokencensus::FatalError;
use tokencensus::ShardChoice;
use tokencensus::ShardSpec;

/// Sharding arguments of `count`.
#[derive(Debug, Args)]
pub struct ShardArgs {
    /// Count only shard I of N (I from 0); default: from SLURM_ARRAY_TASK_* or JOB_COMPLETION_INDEX when set.
    #[arg(long, value_name = "I/N")]
    shard: Option<String>,
    /// The number of shards when the scheduler gives only an index (Kubernetes JOB_COMPLETION_INDEX; also TOKENCENSUS_SHARD_COUNT).
    #[arg(long, value_name = "N")]
    shard_count: Option<u32>,
}

impl ShardArgs {
    /// The shard to count and where it came from, reading the process environment.
    pub fn resolve(&self) -> Result<Option<ShardChoice>, FatalError> {
        resolve(self.shard.as_deref(), self.shard_count, |name| {
            std::env::var(name).ok()
        })
    }
}

/// The shard from the flags, else from the variables `env` gives.
fn resolve(
    flag: Option<&str>,
    shard_count: Option<u32>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Option<ShardChoice>, FatalError> {
    let usage = |m: String| FatalError::Usage(m);
    if let Some(text) = flag {
        return Ok(Some(ShardChoice {
            spec: ShardSpec::parse(text).map_err(|e| usage(e.to_string()))?,
            origin: "--shard".into(),
        }));
    }
    let number = |name: &str| -> Result<Option<u32>, FatalError> {
        env(name)
            .map(|v| {
                v.trim()
                    .parse::<u32>()
                    .map_err(|e| usage(format!("{name}={v:?} is not a number: {e}")))
            })
            .transpose()
    };
    let count_from_flag_or_env = || -> Result<Option<u32>, FatalError> {
        Ok(shard_count.or(number("TOKENCENSUS_SHARD_COUNT")?))
    };
    if let Some(id) = number("SLURM_ARRAY_TASK_ID")? {
        let min = number("SLURM_ARRAY_TASK_MIN")?;
        let step = number("SLURM_ARRAY_TASK_STEP")?.unwrap_or(1).max(1);
        let offset = id - min.unwrap_or(0).min(id);
        if offset % step != 0 {
            return Err(usage(format!(
                "SLURM_ARRAY_TASK_ID={id} is not on the array's step {step}; give --shard I/N"
            )));
        }
        let index = offset / step;
        let count = match (count_from_flag_or_env()?, number("SLURM_ARRAY_TASK_COUNT")?) {
            (Some(n), _) | (None, Some(n)) => n,
            (None, None) => match (min, number("SLURM_ARRAY_TASK_MAX")?) {
                (Some(lo), Some(hi)) if hi >= lo => (hi - lo) / step + 1,
                _ => {
                    return Err(usage(
                        "SLURM_ARRAY_TASK_ID is set but neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MIN/MAX; give --shard I/N".into(),
                    ));
                }
            },
        };
        let origin = match min {
            Some(lo) => {
                format!("SLURM_ARRAY_TASK_ID={id} (from SLURM_ARRAY_TASK_MIN={lo}), {count} shards")
            }
            None => format!("SLURM_ARRAY_TASK_ID={id}, {count} shards"),
        };
        let spec = ShardSpec::new(index, count).map_err(|e| usage(format!("{origin}: {e}")))?;
        return Ok(Some(ShardChoice { spec, origin }));
    }
    if let Some(index) = number("JOB_COMPLETION_INDEX")? {
        let count = count_from_flag_or_env()?.ok_or_else(|| {
            usage("JOB_COMPLETION_INDEX is set: give the number of shards with --shard-count N or TOKENCENSUS_SHARD_COUNT".into())
        })?;
        let origin = format!("JOB_COMPLETION_INDEX={index}, {count} shards");
        let spec = ShardSpec::new(index, count).map_err(|e| usage(format!("{origin}: {e}")))?;
        return Ok(Some(ShardChoice { spec, origin }));
    }
    if shard_count.is_some() {
        return Err(usage(
            "--shard-count needs a shard index: --shard I/N, SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX".into(),
        ));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(
        vars: &[(&str, &str)],
        flag: Option<&str>,
        count: Option<u32>,
    ) -> Result<Option<(u32, u32)>, String> {
        let env = |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        };
        resolve(flag, count, env)
            .map(|s| s.map(|s| (s.spec.index, s.spec.count)))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn flags_and_scheduler_variables_choose_the_shard() {
        assert_eq!(with(&[], None, None), Ok(None));
        assert_eq!(
            with(&[("SLURM_ARRAY_TASK_ID", "9")], Some("1/4"), None),
            Ok(Some((1, 4)))
        );
        let slurm = [
            ("SLURM_ARRAY_TASK_ID", "2"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
        ];
        assert_eq!(with(&slurm, None, None), Ok(Some((2, 3))));
        let offset = [
            ("SLURM_ARRAY_TASK_ID", "5"),
            ("SLURM_ARRAY_TASK_MIN", "4"),
            ("SLURM_ARRAY_TASK_MAX", "7"),
        ];
        assert_eq!(with(&offset, None, None), Ok(Some((1, 4))));
        assert!(with(&[("SLURM_ARRAY_TASK_ID", "1")], None, None).is_err());
        let stepped = [
            ("SLURM_ARRAY_TASK_ID", "4"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_MAX", "6"),
            ("SLURM_ARRAY_TASK_STEP", "2"),
        ];
        assert_eq!(with(&stepped, None, None), Ok(Some((2, 4))));
        assert!(
            with(
                &[
                    ("SLURM_ARRAY_TASK_ID", "3"),
                    ("SLURM_ARRAY_TASK_COUNT", "3")
                ],
                None,
                None
            )
            .is_err()
        );
        let k8s = [("JOB_COMPLETION_INDEX", "4")];
        assert_eq!(with(&k8s, None, Some(6)), Ok(Some((4, 6))));
        let k8s_env = [
            ("JOB_COMPLETION_INDEX", "0"),
            ("TOKENCENSUS_SHARD_COUNT", "2"),
        ];
        assert_eq!(with(&k8s_env, None, None), Ok(Some((0, 2))));
        assert!(with(&k8s, None, None).is_err());
        assert!(with(&[], None, Some(3)).is_err());
        assert!(with(&[], Some("2/2"), None).is_err());
    }
}
