/*!
When a run in progress crosses each threshold. A phase with a `schedule` accrues its operations
evenly from its start to its end; every other counted phase (and an inherited base model) counts
in full from the outset. Each regime's total is the part *it* counts (the verdict's counted
phases), so the crossing date of a regime is the first day its own total reaches its threshold.

A developer knows a crossing as soon as a plan shows it: the as-of date of the estimate, or the
crossing itself if that came first. A total already over the threshold before any scheduled
phase starts has no date the plan can give (`known` is empty; the notification record then takes
the as-of date). Where a regime has a notification duty (the EU: two weeks
after the provider knows the threshold will be met, Art. 52(1)), the notification is due that
many days after the developer knows.

The estimate's interval is carried by scaling the whole path by the counted total's low and high
ends: the high estimate crosses first (`crossing_early`), the low one last (`crossing_late`).
*/

use jiff::civil::Date;
use jiff::Span;
use serde::Serialize;

use crate::declaration::Declaration;
use crate::regimes::Regime;
use crate::verdict::Verdict;

/// One regime's crossing under the declared schedule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Crossing {
    pub regime: String,
    pub threshold_flop: f64,
    /// The regime's total when every scheduled phase has ended.
    pub counted_flop: f64,
    /// `before_schedule` (the unscheduled phases already reach it), `crosses`, or `never` (the
    /// plan stays below it).
    pub status: &'static str,
    /// The first day the point estimate reaches the threshold.
    pub crossing: Option<Date>,
    /// The same for the estimate's high end (earliest) and low end (latest).
    pub crossing_early: Option<Date>,
    pub crossing_late: Option<Date>,
    /// When the developer knows it will cross: the as-of date, or the crossing if earlier
    /// (`null` when it was over before the schedule, or never crosses).
    pub known: Option<Date>,
    /// `known` plus the regime's notification period, where it has one.
    pub notify_by: Option<Date>,
    /// The notification date has passed at the as-of date.
    pub overdue: bool,
}

/// The cumulative total at the end of `day`, for a path given as (unscheduled total, scheduled
/// phases (flop, start, end)), scaled by `scale`.
fn total_at(base: f64, scheduled: &[(f64, Date, Date)], day: Date, scale: f64) -> f64 {
    let accrued: f64 = scheduled
        .iter()
        .map(|&(flop, start, end)| {
            let length = (end - start).get_days() as f64;
            let done = ((day - start).get_days() as f64 + 1.0).clamp(0.0, length);
            flop * done / length
        })
        .sum();
    scale * (base + accrued)
}

/// The first day on which `holds(total)`: `Ok(None)` when it holds before any scheduled phase
/// starts, `Err(())` when it never does.
fn first_day(
    base: f64,
    scheduled: &[(f64, Date, Date)],
    scale: f64,
    holds: impl Fn(f64) -> bool,
) -> Result<Option<Date>, ()> {
    let (Some(first), Some(last)) = (
        scheduled.iter().map(|s| s.1).min(),
        scheduled.iter().map(|s| s.2).max(),
    ) else {
        return if holds(scale * base) {
            Ok(None)
        } else {
            Err(())
        };
    };
    if holds(scale * base) {
        return Ok(None);
    }
    // Day by day: a schedule is at most ten years (declaration::MAX_SCHEDULE_DAYS).
    let mut day = first;
    while day <= last {
        if holds(total_at(base, scheduled, day, scale)) {
            return Ok(Some(day));
        }
        day = day.tomorrow().map_err(|_| ())?;
    }
    Err(())
}

/// The crossing of every regime among `verdicts` (with the regimes' notification periods), for
/// the declaration's schedule, as estimated on `as_of`. Empty when no phase has a schedule.
pub fn crossings(
    d: &Declaration,
    verdicts: &[Verdict],
    regimes: &[Regime],
    as_of: Date,
) -> Vec<Crossing> {
    if d.phases.iter().all(|p| p.schedule.is_none()) {
        return Vec::new();
    }
    verdicts
        .iter()
        .filter(|v| v.verdict != crate::verdict::Outcome::NotApplicable)
        .map(|v| {
            let mut base = 0.0;
            let mut scheduled = Vec::new();
            for part in &v.counted {
                match part.phase.and_then(|i| d.phases[i].schedule) {
                    Some(s) => scheduled.push((part.flop, s.start, s.end)),
                    None => base += part.flop,
                }
            }
            let point = v.counted_flop;
            let ratio = |x: f64| if point > 0.0 { x / point } else { 1.0 };
            let holds = |total: f64| v.comparison.holds(total, v.threshold_flop);
            let at = |scale: f64| first_day(base, &scheduled, scale, holds);
            let (status, crossing) = match at(1.0) {
                Ok(None) => ("before_schedule", None),
                Ok(Some(day)) => ("crosses", Some(day)),
                Err(()) => ("never", None),
            };
            let date = |scale: f64| at(scale).ok().flatten();
            // Crossed before the schedule: the plan cannot date when that became known.
            let known = match status {
                "crosses" => crossing.map(|c| c.min(as_of)),
                _ => None,
            };
            let days = regimes
                .iter()
                .find(|r| r.id == v.id)
                .and_then(|r| r.notify_within_days);
            let notify_by = known
                .zip(days)
                .and_then(|(k, n)| k.checked_add(Span::new().days(n)).ok());
            Crossing {
                regime: v.id.clone(),
                threshold_flop: v.threshold_flop,
                counted_flop: point,
                status,
                crossing,
                crossing_early: date(ratio(v.counted_flop_hi)),
                crossing_late: date(ratio(v.counted_flop_lo)),
                known,
                notify_by,
                overdue: notify_by.is_some_and(|n| n < as_of),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn an_even_schedule_crosses_where_the_line_meets_the_threshold() {
        // 30 days from 9e24 to 9e24 + 3e24: 1e25 is reached after a third, on day 10.
        let s = [(3e24, day("2026-09-01"), day("2026-10-01"))];
        let d = first_day(9e24, &s, 1.0, |t| t > 1e25).unwrap();
        assert_eq!(d, Some(day("2026-09-11")));
        // Already over without the scheduled phase; never over with half of everything.
        assert_eq!(first_day(2e25, &s, 1.0, |t| t > 1e25), Ok(None));
        assert_eq!(first_day(9e24, &s, 0.5, |t| t > 1e25), Err(()));
        // The whole scheduled phase is in by its last day.
        assert!((total_at(9e24, &s, day("2026-09-30"), 1.0) - 1.2e25).abs() < 1e10);
        assert_eq!(total_at(9e24, &s, day("2026-08-01"), 1.0), 9e24);
    }
}
