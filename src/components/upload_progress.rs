//! The upload form's progress. Without JavaScript the form posts as any
//! form does (the browser shows its own progress) and the upload's page
//! shows the check's; with it, this island sends the form itself and shows
//! the bytes sent of each file, then opens the upload's page.

use leptos::prelude::*;

/// One file of the upload as sent so far: name, bytes sent, size.
type Sent = Vec<(String, f64, f64)>;

fn mib(bytes: f64) -> String {
    format!("{:.1} MiB", bytes / (1u64 << 20) as f64)
}

/// Progress of the form with id `form`; an island.
#[island]
pub fn UploadProgress(form: String) -> impl IntoView {
    let (sent, set_sent) = signal((0.0f64, 0.0f64));
    let (files, set_files) = signal(Sent::new());
    let (error, set_error) = signal(String::new());
    Effect::new(move |_| upload_js::attach(&form, set_sent, set_files, set_error));
    let rows = move || {
        files
            .get()
            .into_iter()
            .map(|(name, done, size)| view! { <li>{format!("{name}: {} of {}", mib(done), mib(size))}</li> })
            .collect_view()
    };
    view! {
        <div class="upload-progress" data-testid="upload-progress" hidden=move || sent.get().1 == 0.0>
            <progress value=move || sent.get().0.to_string() max=move || sent.get().1.max(1.0).to_string()></progress>
            " "
            <span>{move || format!("sent {} of {}", mib(sent.get().0), mib(sent.get().1))}</span>
            <ul class="plain">{rows}</ul>
        </div>
        <p class="problem" data-testid="upload-error" hidden=move || error.get().is_empty()>{move || error.get()}</p>
    }
}

/// The browser's side: the form sent by XMLHttpRequest for its progress
/// events.
#[cfg(feature = "hydrate")]
mod upload_js {
    use super::Sent;
    use leptos::prelude::*;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{
        Event, FormData, HtmlFormElement, HtmlInputElement, ProgressEvent, XmlHttpRequest,
    };

    /// The files of the form's file inputs, in the order they are sent.
    fn files_of(form: &HtmlFormElement) -> Vec<(String, f64)> {
        let mut out = Vec::new();
        let Ok(inputs) = form.query_selector_all("input[type=file]") else {
            return out;
        };
        for i in 0..inputs.length() {
            let Some(input) = inputs
                .item(i)
                .and_then(|n| n.dyn_into::<HtmlInputElement>().ok())
            else {
                continue;
            };
            if let Some(list) = input.files() {
                for k in 0..list.length() {
                    if let Some(f) = list.item(k) {
                        out.push((f.name(), f.size()));
                    }
                }
            }
        }
        out
    }

    pub fn attach(
        form_id: &str,
        set_sent: WriteSignal<(f64, f64)>,
        set_files: WriteSignal<Sent>,
        set_error: WriteSignal<String>,
    ) {
        let Some(form) = document()
            .get_element_by_id(form_id)
            .and_then(|e| e.dyn_into::<HtmlFormElement>().ok())
        else {
            return;
        };
        let target = form.clone();
        let submit = Closure::<dyn FnMut(Event)>::new(move |ev: Event| {
            let Ok(data) = FormData::new_with_form(&target) else {
                return; // the browser sends the form itself
            };
            let Ok(xhr) = XmlHttpRequest::new() else {
                return;
            };
            if xhr.open("POST", &target.action()).is_err() {
                return;
            }
            ev.prevent_default();
            set_error.set(String::new());
            let files = files_of(&target);
            let sizes: f64 = files.iter().map(|f| f.1).sum();
            if let Ok(upload) = xhr.upload() {
                let files = files.clone();
                let progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |e: ProgressEvent| {
                    if !e.length_computable() {
                        return;
                    }
                    let (loaded, total) = (e.loaded(), e.total());
                    set_sent.set((loaded, total));
                    // The files are sent in order; what is not a file's
                    // bytes (the form's fields) is spread in proportion.
                    let mut left = loaded * sizes / total.max(1.0);
                    let each = files
                        .iter()
                        .map(|(name, size)| {
                            let done = left.min(*size).max(0.0);
                            left -= done;
                            (name.clone(), done, *size)
                        })
                        .collect();
                    set_files.set(each);
                });
                upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
                progress.forget();
            }
            let answered = xhr.clone();
            let done = Closure::<dyn FnMut()>::new(move || {
                let status = answered.status().unwrap_or(0);
                let url = answered.response_url();
                if status == 200 && url.contains("/cuts/uploads/") {
                    let _ = window().location().assign(&url);
                } else {
                    let text = answered.response_text().ok().flatten().unwrap_or_default();
                    set_error.set(format!("The upload was refused ({status}): {text}"));
                    set_sent.set((0.0, 0.0));
                }
            });
            xhr.set_onload(Some(done.as_ref().unchecked_ref()));
            done.forget();
            let broke = Closure::<dyn FnMut()>::new(move || {
                set_error.set("The upload broke off; nothing was kept. Send it again.".into());
                set_sent.set((0.0, 0.0));
            });
            xhr.set_onerror(Some(broke.as_ref().unchecked_ref()));
            broke.forget();
            set_sent.set((0.0, sizes.max(1.0)));
            let _ = xhr.send_with_opt_form_data(Some(&data));
        });
        let _ = form.add_event_listener_with_callback("submit", submit.as_ref().unchecked_ref());
        submit.forget();
    }
}

/// The server build's twin: nothing runs on the server.
#[cfg(not(feature = "hydrate"))]
mod upload_js {
    use super::Sent;
    use leptos::prelude::*;

    pub fn attach(
        _form: &str,
        _sent: WriteSignal<(f64, f64)>,
        _files: WriteSignal<Sent>,
        _error: WriteSignal<String>,
    ) {
    }
}
