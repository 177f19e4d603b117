//! RouteLLM-style quality/cost curves for files with per-model outcomes: each prompt has a
//! router score and whether the weak (cheap) and the strong (frontier) model answered correctly.
//! Routing the highest-scoring share `f` of prompts to the strong model gives a quality; PGR is
//! how much of the weak→strong quality gap that recovers; APGR is the area under PGR(f).

/// One prompt: the router's score and the two models' correctness.
#[derive(Debug, Clone, Copy)]
pub struct Outcome {
    pub score: f64,
    pub weak_correct: bool,
    pub strong_correct: bool,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Curve {
    pub weak_quality: f64,
    pub strong_quality: f64,
    /// Area under PGR over the frontier share from 0 to 1 (random routing ≈ 0.5).
    pub apgr: f64,
    /// Smallest frontier share whose PGR reaches 95 % (RouteLLM's CPT(95%)).
    pub frontier_share_for_95_pgr: f64,
    /// Smallest frontier share whose quality reaches 95 % of always-frontier quality.
    pub frontier_share_for_95_quality: f64,
}

pub fn curve(outcomes: &[Outcome]) -> Option<Curve> {
    let n = outcomes.len();
    if n == 0 {
        return None;
    }
    let nf = n as f64;
    let weak_quality = outcomes.iter().filter(|o| o.weak_correct).count() as f64 / nf;
    let strong_quality = outcomes.iter().filter(|o| o.strong_correct).count() as f64 / nf;
    let gap = strong_quality - weak_quality;
    // Highest score first: those go to the strong model first as the share grows. Ties are
    // broken by position so the curve is deterministic.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|a, b| outcomes[*b].score.total_cmp(&outcomes[*a].score).then(a.cmp(b)));
    let mut correct = weak_quality * nf;
    let pgr = |correct: f64| if gap.abs() < f64::EPSILON { 1.0 } else { (correct / nf - weak_quality) / gap };
    let mut area = 0.0;
    let mut previous = pgr(correct);
    let (mut share_95_pgr, mut share_95_quality) = (None, None);
    if previous >= 0.95 {
        share_95_pgr = Some(0.0);
    }
    if correct / nf >= 0.95 * strong_quality {
        share_95_quality = Some(0.0);
    }
    for (k, i) in order.iter().enumerate() {
        let o = outcomes[*i];
        correct += f64::from(u8::from(o.strong_correct)) - f64::from(u8::from(o.weak_correct));
        let now = pgr(correct);
        area += (previous + now) / 2.0 / nf;
        previous = now;
        let share = (k + 1) as f64 / nf;
        if share_95_pgr.is_none() && now >= 0.95 {
            share_95_pgr = Some(share);
        }
        if share_95_quality.is_none() && correct / nf >= 0.95 * strong_quality {
            share_95_quality = Some(share);
        }
    }
    Some(Curve {
        weak_quality,
        strong_quality,
        apgr: area,
        frontier_share_for_95_pgr: share_95_pgr.unwrap_or(1.0),
        frontier_share_for_95_quality: share_95_quality.unwrap_or(1.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(score: f64, weak: bool, strong: bool) -> Outcome {
        Outcome { score, weak_correct: weak, strong_correct: strong }
    }

    #[test]
    fn a_perfect_router_recovers_the_gap_first_and_a_backwards_one_last() {
        // Two prompts need the strong model, two do not.
        let perfect = [o(0.9, false, true), o(0.8, false, true), o(0.2, true, true), o(0.1, true, true)];
        let c = curve(&perfect).unwrap();
        assert_eq!((c.weak_quality, c.strong_quality), (0.5, 1.0));
        assert_eq!(c.frontier_share_for_95_pgr, 0.5);
        // PGR at shares 0, ¼, ½, ¾, 1 is 0, ½, 1, 1, 1: trapezoids give 1/16 + 3/16 + 1/4 + 1/4.
        assert!((c.apgr - 0.75).abs() < 1e-9, "{}", c.apgr);
        let backwards = [o(0.1, false, true), o(0.2, false, true), o(0.8, true, true), o(0.9, true, true)];
        let b = curve(&backwards).unwrap();
        assert_eq!(b.frontier_share_for_95_pgr, 1.0);
        // PGR 0, 0, 0, ½, 1.
        assert!((b.apgr - 0.25).abs() < 1e-9, "{}", b.apgr);
        assert!(curve(&[]).is_none());
    }
}
