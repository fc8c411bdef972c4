//! The drawer against small figures whose pixels are known.
use super::*;

#[test]
fn a_figure_is_drawn_with_its_points_in_the_plot_area() {
    let fig = Figure(
        r#"{"data":[{"type":"scatter","x":[0,1,2],"y":[1,0.5,0.25],"mode":"lines","line":{"shape":"hv"},"name":"A <b>"},
           {"type":"scatter","x":[0,2],"y":[1,0.8],"mode":"markers","name":"B"}],
           "layout":{"height":300,"margin":{"t":40},"yaxis":{"range":[0,1],"title":{"text":"Survival"}}}}"#
            .into(),
    );
    let svg = svg(&fig, 600.0).unwrap();
    assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    assert!(svg.contains("A &lt;b&gt;"), "names are escaped");
    assert!(svg.contains("Survival"));
    // Step path: horizontal then vertical moves.
    assert!(svg.contains('H') && svg.contains('V'));
    // y = 1 sits on the top of the plot area (margin top 40), y = 0 at
    // the bottom (300 - 50).
    assert!(svg.contains(r#"y1="40.0""#) && svg.contains(r#"y1="250.0""#));
    // Two markers, and B's (markers alone) in the legend.
    assert_eq!(svg.matches("<circle").count(), 3);
    assert!(super::svg(&Figure(String::new()), 600.0).is_none());
}

#[test]
fn sizes_per_point_text_and_vertical_error_bars_are_drawn() {
    let fig = Figure(
        r##"{"data":[{"type":"scatter","x":[1,10],"y":[1,100],"mode":"markers","marker":{"color":"#123456","size":[4,10],"opacity":0.5},"name":"A"},
           {"type":"scatter","x":[2],"y":[2],"mode":"text","text":["Hy's law <range>"],"showlegend":false},
           {"type":"scatter","x":[1,2],"y":[5,6],"mode":"lines+markers","error_y":{"type":"data","array":[1,2],"arrayminus":[3,1],"symmetric":false},"name":"B"}],
           "layout":{"height":300,"xaxis":{"type":"log","range":[-1,2]},"yaxis":{"type":"log","range":[-1,3]}}}"##
            .into(),
    );
    let svg = svg(&fig, 600.0).unwrap();
    assert!(
        svg.contains(r##"r="2.0" fill="#123456" fill-opacity="0.50""##),
        "{svg}"
    );
    assert!(
        svg.contains(r##"r="5.0" fill="#123456""##),
        "one size per point"
    );
    assert!(
        svg.contains("law &lt;range&gt;</text>"),
        "text at its point, escaped"
    );
    // Two vertical error bars: the only paths with a vertical move.
    let vertical = svg
        .split(r#"<path d=""#)
        .skip(1)
        .filter(|p| p.split('"').next().is_some_and(|d| d.contains('V')))
        .count();
    assert_eq!(vertical, 2, "{svg}");
    // The legend shows A, a trace of markers, by a circle.
    assert!(svg.contains(r##"r="3.5" fill="#123456""##));
}

/// Every number of the form `attr="..."` in `svg`.
fn attr(svg: &str, name: &str) -> Vec<f64> {
    svg.split(&format!(" {name}=\""))
        .skip(1)
        .filter_map(|p| p.split('"').next()?.parse().ok())
        .collect()
}

#[test]
fn the_legend_sits_outside_the_plot_area_and_grows_its_margin() {
    // Eight long names: the legend wraps to rows above the plot, and the
    // plot area starts under them, so no point can sit under a name.
    let data: Vec<String> = (0..8)
        .map(|i| format!(r#"{{"type":"scatter","x":[0,1],"y":[1,{i}],"mode":"lines","name":"A rather long trace name {i}"}}"#))
        .collect();
    let fig = Figure(format!(
        r#"{{"data":[{}],"layout":{{"height":300,"margin":{{"t":20}},"legend":{{"y":1.02}}}}}}"#,
        data.join(",")
    ));
    let plot_top = {
        let v: Value = serde_json::from_str(&fig.0).unwrap();
        let traces = traces(v["data"].as_array().unwrap());
        let legend = legend::Legend::of(&v["layout"], &traces, 600.0).unwrap();
        let plot = Plot::of(&v["layout"], &traces, 600.0, Some(&legend));
        let (_, top, _, h) = legend.bounds(&plot);
        assert!(
            top >= 0.0 && top + h <= plot.top,
            "legend {top}+{h} over plot top {}",
            plot.top
        );
        plot.top
    };
    let svg = svg(&fig, 600.0).unwrap();
    // Every name's baseline is above the plot area.
    let names: Vec<f64> = svg
        .split("<text ")
        .filter(|t| t.contains("A rather long"))
        .filter_map(|t| attr(&format!(" {t}"), "y").first().copied())
        .collect();
    assert_eq!(names.len(), 8);
    assert!(
        names.iter().all(|&y| y < plot_top),
        "{names:?} vs {plot_top}"
    );
}

#[test]
fn censoring_ticks_and_annotations_under_the_axis_are_drawn() {
    let fig = Figure(
        r##"{"data":[{"type":"scatter","x":[0,10],"y":[1,0.5],"mode":"lines","name":"A"},
           {"type":"scatter","x":[5],"y":[1],"mode":"markers","marker":{"symbol":"line-ns-open","size":8,"color":"#123456"},"showlegend":false}],
           "layout":{"height":300,"margin":{"t":20,"b":100},"xaxis":{"range":[0,10]},"yaxis":{"range":[0,1]},
           "annotations":[{"xref":"x","x":10,"yref":"paper","y":-0.3,"text":"42","showarrow":false,"font":{"color":"#654321"}},
                          {"xref":"paper","x":0,"xanchor":"right","yref":"paper","y":-0.3,"text":"At risk","showarrow":false}]}}"##
            .into(),
    );
    let svg = svg(&fig, 600.0).unwrap();
    // The tick: a vertical line 8 px long at y = 1 (the plot's top, 20).
    assert!(
        svg.contains(r##"y1="16.0" x2="##) && svg.contains(r##"y2="24.0" stroke="#123456""##),
        "{svg}"
    );
    assert!(!svg.contains("<circle"));
    // The annotations: under the plot area (its bottom is 300 - 100),
    // at x = 10 (the right end, 600 - 20) and right-aligned at its left.
    let under = 200.0 + 0.3 * 180.0 + 4.0;
    assert!(
        svg.contains(&format!(
            r##"<text x="580.0" y="{under:.1}" text-anchor="middle" fill="#654321">42</text>"##
        )),
        "{svg}"
    );
    assert!(svg.contains(r##"text-anchor="end" fill="#222">At risk</text>"##));
}

#[test]
fn a_region_beyond_a_boundary_is_filled_under_the_lines() {
    let fig = Figure(
        r##"{"data":[{"type":"scatter","x":[0.5,1],"y":[4,4],"mode":"lines","line":{"width":0},"showlegend":false},
           {"type":"scatter","x":[0.5,1],"y":[3,2],"mode":"lines","fill":"tonexty","fillcolor":"rgba(213,94,0,0.10)","name":"Efficacy"}],
           "layout":{"height":300,"margin":{"t":20},"xaxis":{"range":[0,1]},"yaxis":{"range":[0,4]}}}"##
            .into(),
    );
    let svg = svg(&fig, 600.0).unwrap();
    let polygon = svg.find("<polygon").expect("a filled region");
    assert!(svg[polygon..].contains(r#"fill="rgba(213,94,0,0.10)""#));
    // Under the lines: the region comes before any trace's path.
    assert!(polygon < svg.find("<path").unwrap());
}
