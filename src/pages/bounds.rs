//! The design's looks as rpact and gsDesign users read them: each look's
//! efficacy (and harm) bound in z with its nominal p-value and the alpha
//! spent by then, and the futility bound where the design has one: a
//! beta-spending bound, or the conditional-power guideline mapped onto z.

use crate::components::format::{cp_guideline_header, opt, small};
use crate::dto::BoundRow;
use leptos::prelude::*;

#[component]
pub fn BoundsTable(rows: Vec<BoundRow>, look: usize, cp_threshold: Option<f64>) -> impl IntoView {
    let harm = rows.iter().any(|r| r.harm_z.is_some());
    let spent = rows.iter().any(|r| r.futility_z.is_some());
    let guideline = rows.iter().any(|r| r.futility_cp_z.is_some());
    let guideline_head = cp_guideline_header(cp_threshold);
    let body = rows
        .into_iter()
        .map(|r| {
            let here = r.look == look;
            view! {
                <tr class:current=here>
                    <th scope="row">{r.look}{here.then_some(" (this cut)")}</th>
                    <td class="num">{format!("{:.3}", r.information_fraction)}</td>
                    <td class="num">{format!("{:.3}", r.efficacy_z)}</td>
                    <td class="num">{small(r.efficacy_p)}</td>
                    <td class="num">{small(r.efficacy_alpha)}</td>
                    {harm.then(|| view! {
                        <td class="num">{opt(r.harm_z, 3)}</td>
                        <td class="num">{r.harm_p.map(small).unwrap_or_else(|| "–".into())}</td>
                        <td class="num">{r.harm_alpha.map(small).unwrap_or_else(|| "–".into())}</td>
                    })}
                    {spent.then(|| view! { <td class="num">{opt(r.futility_z, 3)}</td> })}
                    {guideline.then(|| view! { <td class="num">{opt(r.futility_cp_z, 3)}</td> })}
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="data" data-testid="bounds">
            <caption>"Each look's bounds, their nominal p-values and the alpha spent by then (cumulative)"</caption>
            <thead>
                <tr>
                    <th scope="col">"Look"</th>
                    <th scope="col" class="num">"Information"</th>
                    <th scope="col" class="num">"Efficacy z"</th>
                    <th scope="col" class="num">"Nominal p"</th>
                    <th scope="col" class="num">"Alpha spent"</th>
                    {harm.then(|| view! {
                        <th scope="col" class="num">"Harm z"</th>
                        <th scope="col" class="num">"Nominal p (harm)"</th>
                        <th scope="col" class="num">"Harm alpha spent"</th>
                    })}
                    {spent.then(|| view! { <th scope="col" class="num">"Futility z"</th> })}
                    {guideline.then(|| view! { <th scope="col" class="num">{guideline_head}</th> })}
                </tr>
            </thead>
            <tbody>{body}</tbody>
        </table>
    }
}
