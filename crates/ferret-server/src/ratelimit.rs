//! In-memory token-bucket rate limits (per IP, per API token, per login account).
//!
//! Each key owns a bucket of `burst` tokens refilled at `per_minute / 60` per second; a request
//! spends one. Buckets live in this process: with several servers behind a load balancer each
//! enforces its own share, which bounds abuse per server.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// How fast a bucket refills and how much it holds.
#[derive(Debug, Clone, Copy)]
pub struct Rate {
    pub per_minute: u32,
    pub burst: u32,
}

#[derive(Debug)]
pub struct RateLimiter {
    rate: Rate,
    buckets: Mutex<HashMap<String, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// Keys kept before idle, full buckets are swept.
const SWEEP_AT: usize = 50_000;

impl RateLimiter {
    pub fn new(rate: Rate) -> RateLimiter {
        RateLimiter {
            rate,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Spends one token of `key`'s bucket; `Err(seconds)` says when to retry.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        self.take(key, true)
    }

    /// Like [`check`](Self::check) without spending.
    pub fn peek(&self, key: &str) -> Result<(), u64> {
        self.take(key, false)
    }

    fn take(&self, key: &str, spend: bool) -> Result<(), u64> {
        if self.rate.per_minute == 0 {
            return Ok(()); // limits disabled
        }
        let refill_per_sec = self.rate.per_minute as f64 / 60.0;
        let burst = self.rate.burst.max(1) as f64;
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= SWEEP_AT {
            buckets.retain(|_, b| {
                b.tokens + now.duration_since(b.updated).as_secs_f64() * refill_per_sec < burst
            });
        }
        let bucket = buckets.entry(key.to_string()).or_insert(Bucket {
            tokens: burst,
            updated: now,
        });
        let elapsed = now.duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * refill_per_sec).min(burst);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            if spend {
                bucket.tokens -= 1.0;
            }
            Ok(())
        } else {
            Err(((1.0 - bucket.tokens) / refill_per_sec).ceil() as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_a_burst_then_refuses_with_a_retry_time() {
        let limiter = RateLimiter::new(Rate {
            per_minute: 6,
            burst: 3,
        });
        for _ in 0..3 {
            assert!(limiter.check("a").is_ok());
        }
        let retry = limiter.check("a").unwrap_err();
        assert!((1..=10).contains(&retry), "{retry}");
        assert!(limiter.check("b").is_ok(), "keys are independent");
        assert!(limiter.peek("a").is_err());
    }
}
