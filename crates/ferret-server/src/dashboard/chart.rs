//! Charts drawn on the server as SVG: no script, no library, no request elsewhere. Colours come
//! from the stylesheet's classes (so dark mode applies), and every chart has a text summary
//! and a table for screen readers and for anyone who would rather read numbers.

use maud::{html, Markup};

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 40.0;
const BOTTOM: f64 = 24.0;
const TOP: f64 = 10.0;
/// Room right of the plot for the last label.
const RIGHT: f64 = 28.0;

/// One line of a line chart.
pub struct Series<'a> {
    pub label: &'a str,
    /// A stylesheet class giving the colour (`s-high`, …).
    pub class: &'a str,
    pub values: &'a [i64],
}

fn scale_max(values: impl Iterator<Item = i64>) -> i64 {
    let max = values.max().unwrap_or(0).max(1);
    // A round top: 1, 2, 5 × 10^n.
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if m * step >= max {
                return m * step;
            }
        }
        step *= 10;
    }
}

fn x_at(i: usize, n: usize) -> f64 {
    let plot = WIDTH - LEFT - RIGHT;
    if n <= 1 {
        LEFT + plot / 2.0
    } else {
        LEFT + plot * i as f64 / (n - 1) as f64
    }
}

fn y_at(value: i64, max: i64) -> f64 {
    let plot = HEIGHT - TOP - BOTTOM;
    HEIGHT - BOTTOM - plot * value as f64 / max as f64
}

fn axes(max: i64, labels: &[String], n: usize) -> Markup {
    html! {
        line.axis x1=(LEFT) y1=(HEIGHT - BOTTOM) x2=(WIDTH - RIGHT) y2=(HEIGHT - BOTTOM) {}
        line.axis x1=(LEFT) y1=(TOP) x2=(LEFT) y2=(HEIGHT - BOTTOM) {}
        text x=(LEFT - 6.0) y=(TOP + 4.0) text-anchor="end" { (max) }
        text x=(LEFT - 6.0) y=(HEIGHT - BOTTOM) text-anchor="end" { "0" }
        @for (i, label) in labels.iter().enumerate() {
            // Every other label when many, so they do not overlap.
            @if n <= 8 || i % 2 == 0 || i + 1 == n {
                text x=(x_at(i, n)) y=(HEIGHT - 6.0) text-anchor="middle" { (label) }
            }
        }
    }
}

/// A line chart of `series` over `labels` (one value per label in each series).
pub fn lines(title: &str, labels: &[String], series: &[Series]) -> Markup {
    let n = labels.len();
    let max = scale_max(series.iter().flat_map(|s| s.values.iter().copied()));
    html! {
        figure.chart {
            svg viewBox={ "0 0 " (WIDTH) " " (HEIGHT) } role="img" aria-label=(title) {
                (axes(max, labels, n))
                @for s in series {
                    @let points: Vec<String> = s.values.iter().enumerate()
                        .map(|(i, v)| format!("{:.1},{:.1}", x_at(i, n), y_at(*v, max)))
                        .collect();
                    polyline class=(s.class) points=(points.join(" ")) {}
                }
            }
            ul.legend {
                @for s in series {
                    li { span class={ "key " (s.class) } {} (s.label) ": " (s.values.last().copied().unwrap_or(0)) " now" }
                }
            }
            (table(labels, series))
        }
    }
}

/// Paired bars per label (for example new and fixed per week).
pub fn bars(title: &str, labels: &[String], series: &[Series]) -> Markup {
    let n = labels.len().max(1);
    let max = scale_max(series.iter().flat_map(|s| s.values.iter().copied()));
    let slot = (WIDTH - LEFT - RIGHT) / n as f64;
    let bar = (slot * 0.8 / series.len().max(1) as f64).max(1.0);
    html! {
        figure.chart {
            svg viewBox={ "0 0 " (WIDTH) " " (HEIGHT) } role="img" aria-label=(title) {
                line.axis x1=(LEFT) y1=(HEIGHT - BOTTOM) x2=(WIDTH - RIGHT) y2=(HEIGHT - BOTTOM) {}
                text x=(LEFT - 6.0) y=(TOP + 4.0) text-anchor="end" { (max) }
                text x=(LEFT - 6.0) y=(HEIGHT - BOTTOM) text-anchor="end" { "0" }
                @for (i, label) in labels.iter().enumerate() {
                    @let x0 = LEFT + slot * i as f64 + slot * 0.1;
                    @for (j, s) in series.iter().enumerate() {
                        @let v = s.values.get(i).copied().unwrap_or(0);
                        @let y = y_at(v, max);
                        rect class=(s.class) x=(format!("{:.1}", x0 + bar * j as f64)) y=(format!("{y:.1}"))
                            width=(format!("{bar:.1}")) height=(format!("{:.1}", HEIGHT - BOTTOM - y)) {}
                    }
                    @if n <= 8 || i % 2 == 0 || i + 1 == n {
                        text x=(format!("{:.1}", LEFT + slot * (i as f64 + 0.5))) y=(HEIGHT - 6.0) text-anchor="middle" { (label) }
                    }
                }
            }
            ul.legend {
                @for s in series {
                    li { span class={ "key " (s.class) } {} (s.label) ": " (s.values.iter().sum::<i64>()) " in all" }
                }
            }
            (table(labels, series))
        }
    }
}

fn table(labels: &[String], series: &[Series]) -> Markup {
    html! {
        details {
            summary { "The numbers" }
            div.table-wrap {
                table {
                    thead { tr { th scope="col" { "Week of" } @for s in series { th scope="col" { (s.label) } } } }
                    tbody {
                        @for (i, label) in labels.iter().enumerate() {
                            tr { th scope="row" { (label) } @for s in series { td { (s.values.get(i).copied().unwrap_or(0)) } } }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_round_up_and_points_stay_inside_the_plot() {
        assert_eq!(scale_max([0].into_iter()), 1);
        assert_eq!(scale_max([7].into_iter()), 10);
        assert_eq!(scale_max([11, 3].into_iter()), 20);
        assert_eq!(scale_max([4_900].into_iter()), 5_000);
        assert_eq!(y_at(0, 10), HEIGHT - BOTTOM);
        assert_eq!(y_at(10, 10), TOP);
        let labels: Vec<String> = (1..=3).map(|i| format!("w{i}")).collect();
        let svg = lines(
            "t",
            &labels,
            &[Series {
                label: "High",
                class: "s-high",
                values: &[0, 5, 10],
            }],
        )
        .into_string();
        assert!(
            svg.contains(r#"points="40.0,196.0 326.0,103.0 612.0,10.0""#),
            "{svg}"
        );
        assert!(
            !svg.contains("style="),
            "no inline style (the CSP forbids it)"
        );
    }
}
