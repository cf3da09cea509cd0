//! The 12345 hotline's three rates (三率, SPEC §3) of service requests for any period, region,
//! department or category: the response rate (响应率, requests accepted within the acceptance
//! time of those due to be accepted), the resolution rate (解决率, requests closed without the
//! resident still unsatisfied, of those closed) and the satisfaction rate (满意率, 满意 and 基本满意
//! of the ratings given). Rates are kept in basis points (integer hundredths of a percent), so
//! rankings compare exactly; a rate with nothing to count is absent, not zero.

/// Counts over a set of requests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestCounts {
    /// Requests whose acceptance was due (accepted since, or overdue for it).
    pub due_for_acceptance: u64,
    /// Of those, accepted within the acceptance time.
    pub accepted_in_time: u64,
    /// Requests closed.
    pub closed: u64,
    /// Of those, closed with the last rating content or with no rating.
    pub resolved: u64,
    /// Ratings given.
    pub rated: u64,
    /// Of those, 满意 or 基本满意.
    pub content: u64,
}

/// The three rates in basis points (10,000 = 100 %).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThreeRates {
    /// 响应率.
    pub response: Option<u32>,
    /// 解决率.
    pub resolution: Option<u32>,
    /// 满意率.
    pub satisfaction: Option<u32>,
}

/// `part` of `whole` in basis points, rounded half up; `None` for an empty whole.
pub fn basis_points(part: u64, whole: u64) -> Option<u32> {
    if whole == 0 {
        return None;
    }
    let part = u128::from(part.min(whole));
    let bp = (part * 10_000 * 2 + u128::from(whole)) / (u128::from(whole) * 2);
    u32::try_from(bp).ok()
}

impl RequestCounts {
    /// The three rates of these counts.
    pub fn rates(&self) -> ThreeRates {
        ThreeRates {
            response: basis_points(self.accepted_in_time, self.due_for_acceptance),
            resolution: basis_points(self.resolved, self.closed),
            satisfaction: basis_points(self.content, self.rated),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_in_basis_points_rounded_half_up() {
        assert_eq!(basis_points(1, 3), Some(3_333));
        assert_eq!(basis_points(2, 3), Some(6_667));
        assert_eq!(basis_points(1, 8), Some(1_250));
        assert_eq!(
            basis_points(1, 20_000),
            Some(1),
            "0.005 % rounds up to 0.01 %"
        );
        assert_eq!(basis_points(5, 5), Some(10_000));
        assert_eq!(basis_points(9, 5), Some(10_000), "never above 100 %");
        assert_eq!(basis_points(0, 0), None);
        assert_eq!(basis_points(u64::MAX, u64::MAX), Some(10_000));
    }

    #[test]
    fn three_rates_of_a_month() {
        let counts = RequestCounts {
            due_for_acceptance: 200,
            accepted_in_time: 190,
            closed: 150,
            resolved: 141,
            rated: 120,
            content: 111,
        };
        assert_eq!(
            counts.rates(),
            ThreeRates {
                response: Some(9_500),
                resolution: Some(9_400),
                satisfaction: Some(9_250),
            }
        );
        let quiet = RequestCounts::default().rates();
        assert_eq!(
            (quiet.response, quiet.resolution, quiet.satisfaction),
            (None, None, None)
        );
    }
}
