//! The decision table: preset × rule × node kind.

use super::*;

fn privacy(preset: Preset) -> Privacy {
    Privacy::new(PrivacyConfig {
        preset,
        ..PrivacyConfig::default()
    })
}

fn el(tag: &str) -> ElementFacts<'_> {
    ElementFacts {
        tag,
        ..ElementFacts::default()
    }
}

fn input<'a>(kind: &'a str, autocomplete: &'a str) -> InputFacts<'a> {
    InputFacts {
        tag: "input",
        kind,
        autocomplete,
        ever_password: false,
    }
}

const PRESETS: [Preset; 3] = [Preset::Strict, Preset::Balanced, Preset::Relaxed];

fn text_out(p: &Privacy, scope: Scope, text: &str) -> String {
    match p.text(scope, text) {
        TextDecision::Mask => mask_text(text),
        TextDecision::Record(t) => t.into_owned(),
    }
}

#[test]
fn input_masking_by_preset_and_type() {
    // (type, autocomplete, strict, balanced, relaxed)
    let table = [
        ("text", "", true, true, false),
        ("search", "", true, true, false),
        ("number", "", true, true, false),
        ("url", "", true, true, false),
        ("hidden", "", true, true, false),
        ("checkbox", "", true, true, false),
        ("password", "", true, true, true),
        ("email", "", true, true, true),
        ("tel", "", true, true, true),
        ("text", "cc-number", true, true, true),
        ("text", "billing cc-csc", true, true, true),
        ("text", "cc-exp-month", true, true, true),
        ("text", "current-password", true, true, true),
        ("text", "new-password", true, true, true),
        ("text", "email", true, true, true),
        ("text", "tel-national", true, true, true),
        ("text", "one-time-code", true, true, true),
        ("text", "name", true, true, false),
    ];
    for (kind, autocomplete, strict, balanced, relaxed) in table {
        for (preset, want) in PRESETS.iter().zip([strict, balanced, relaxed]) {
            let got = privacy(*preset).masks_input(Scope::default(), &input(kind, autocomplete));
            assert_eq!(
                got, want,
                "{preset:?} type={kind} autocomplete={autocomplete}"
            );
        }
    }
    for preset in PRESETS {
        let p = privacy(preset);
        let textarea = InputFacts {
            tag: "textarea",
            ..InputFacts::default()
        };
        let select = InputFacts {
            tag: "select",
            ..InputFacts::default()
        };
        let relaxed = preset == Preset::Relaxed;
        assert_eq!(
            p.masks_input(Scope::default(), &textarea),
            !relaxed,
            "{preset:?} textarea"
        );
        assert_eq!(
            p.masks_input(Scope::default(), &select),
            !relaxed,
            "{preset:?} select"
        );
    }
}

#[test]
fn passwords_stay_masked_whatever_the_rules() {
    for preset in PRESETS {
        let mut config = PrivacyConfig {
            preset,
            ..PrivacyConfig::default()
        };
        config.mask_input_options.by_type =
            vec![("password".into(), false), ("text".into(), false)];
        let p = Privacy::new(config);
        let unmasked = Scope {
            text: TextRule::Unmask,
            ..Scope::default()
        };
        assert!(
            p.masks_input(unmasked, &input("password", "")),
            "{preset:?}"
        );
        let toggled = InputFacts {
            ever_password: true,
            ..input("text", "")
        };
        assert!(
            p.masks_input(unmasked, &toggled),
            "{preset:?}: a field that was a password stays masked"
        );
        assert!(
            !p.masks_input(unmasked, &input("text", "")),
            "{preset:?}: explicit maskInputOptions.text = false"
        );
    }
}

#[test]
fn mask_input_options_can_mask_in_relaxed() {
    let mut config = PrivacyConfig {
        preset: Preset::Relaxed,
        ..PrivacyConfig::default()
    };
    config.mask_input_options.by_type = vec![("number".into(), true), ("textarea".into(), true)];
    let p = Privacy::new(config);
    assert!(p.masks_input(Scope::default(), &input("number", "")));
    assert!(!p.masks_input(Scope::default(), &input("text", "")));
    assert!(p.masks_input(
        Scope::default(),
        &InputFacts {
            tag: "textarea",
            ..InputFacts::default()
        }
    ));
}

#[test]
fn masked_regions_mask_inputs_even_in_relaxed() {
    let p = privacy(Preset::Relaxed);
    let masked = p.enter(
        Scope::default(),
        &ElementFacts {
            mask_marker: true,
            ..el("div")
        },
    );
    assert!(p.masks_input(masked, &input("text", "")));
}

#[test]
fn text_by_preset_and_marker() {
    let secret = "Jane Doe lives here";
    for preset in PRESETS {
        let p = privacy(preset);
        let plain = text_out(&p, Scope::default(), secret);
        assert_eq!(
            plain == secret,
            preset != Preset::Strict,
            "{preset:?} unmarked text"
        );
        let masked = p.enter(
            Scope::default(),
            &ElementFacts {
                class: Some("x rr-mask"),
                ..el("p")
            },
        );
        assert_eq!(
            text_out(&p, masked, secret),
            "**** *** ***** ****",
            "{preset:?} rr-mask"
        );
        let marker = p.enter(
            Scope::default(),
            &ElementFacts {
                mask_marker: true,
                ..el("p")
            },
        );
        assert_eq!(
            text_out(&p, marker, secret),
            "**** *** ***** ****",
            "{preset:?} data-tapedeck-mask"
        );
        let selector = p.enter(
            Scope::default(),
            &ElementFacts {
                matches_mask_selector: true,
                ..el("p")
            },
        );
        assert_eq!(
            text_out(&p, selector, secret),
            "**** *** ***** ****",
            "{preset:?} maskTextSelector"
        );
        // Unmask inside mask: the nearest marker wins.
        let unmasked = p.enter(
            marker,
            &ElementFacts {
                unmask_marker: true,
                ..el("span")
            },
        );
        assert_eq!(
            text_out(&p, unmasked, secret),
            secret,
            "{preset:?} unmask inside mask"
        );
        let remasked = p.enter(
            unmasked,
            &ElementFacts {
                class: Some("rr-mask"),
                ..el("b")
            },
        );
        assert_eq!(
            text_out(&p, remasked, secret),
            "**** *** ***** ****",
            "{preset:?} mask inside unmask"
        );
        let both = p.enter(
            Scope::default(),
            &ElementFacts {
                mask_marker: true,
                unmask_marker: true,
                ..el("p")
            },
        );
        assert_eq!(
            text_out(&p, both, secret),
            "**** *** ***** ****",
            "{preset:?} mask wins on one element"
        );
        assert_eq!(text_out(&p, masked, "  \n"), "  \n", "whitespace stays");
    }
}

#[test]
fn patterns_are_masked_in_every_preset_even_when_unmasked() {
    for preset in PRESETS {
        let p = privacy(preset);
        let unmasked = p.enter(
            Scope::default(),
            &ElementFacts {
                unmask_marker: true,
                ..el("p")
            },
        );
        assert_eq!(
            text_out(&p, unmasked, "Mail ann@ex.org, card 4111 1111 1111 1111."),
            "Mail **********, card **** **** **** ****.",
            "{preset:?}"
        );
    }
}

#[test]
fn blocking_by_class_marker_selector_and_strict_media() {
    for preset in PRESETS {
        let p = privacy(preset);
        let strict = preset == Preset::Strict;
        assert!(
            p.enter(
                Scope::default(),
                &ElementFacts {
                    class: Some("rr-block"),
                    ..el("div")
                }
            )
            .blocked
        );
        assert!(
            p.enter(
                Scope::default(),
                &ElementFacts {
                    block_marker: true,
                    ..el("div")
                }
            )
            .blocked
        );
        assert!(
            p.enter(
                Scope::default(),
                &ElementFacts {
                    matches_block_selector: true,
                    ..el("div")
                }
            )
            .blocked
        );
        assert!(
            !p.enter(
                Scope::default(),
                &ElementFacts {
                    class: Some("rr-blocked"),
                    ..el("div")
                }
            )
            .blocked
        );
        for tag in ["img", "video", "audio", "canvas", "iframe"] {
            assert_eq!(
                p.enter(Scope::default(), &el(tag)).blocked,
                strict,
                "{preset:?} <{tag}>"
            );
        }
        assert!(!p.enter(Scope::default(), &el("div")).blocked);
    }
}

#[test]
fn custom_class_names_and_ignore() {
    let p = Privacy::new(PrivacyConfig {
        mask_text_class: "private".into(),
        block_class: "secret-box".into(),
        ignore_class: "no-input".into(),
        ..PrivacyConfig::default()
    });
    let scope = p.enter(
        Scope::default(),
        &ElementFacts {
            class: Some("a private"),
            ..el("p")
        },
    );
    assert_eq!(scope.text, TextRule::Mask);
    assert!(
        p.enter(
            Scope::default(),
            &ElementFacts {
                class: Some("secret-box"),
                ..el("p")
            }
        )
        .blocked
    );
    let ignored = p.enter(
        Scope::default(),
        &ElementFacts {
            class: Some("no-input"),
            ..el("input")
        },
    );
    assert!(ignored.ignored);
    assert!(
        !p.enter(
            Scope::default(),
            &ElementFacts {
                class: Some("rr-mask"),
                ..el("p")
            }
        )
        .blocked
    );
    assert_eq!(
        p.enter(
            Scope::default(),
            &ElementFacts {
                class: Some("rr-mask"),
                ..el("p")
            }
        )
        .text,
        TextRule::Inherit
    );
}

#[test]
fn scopes_inherit() {
    let p = privacy(Preset::Balanced);
    let blocked = p.enter(
        Scope::default(),
        &ElementFacts {
            block_marker: true,
            ..el("div")
        },
    );
    assert!(p.enter(blocked, &el("span")).blocked);
    let masked = p.enter(
        Scope::default(),
        &ElementFacts {
            mask_marker: true,
            ..el("div")
        },
    );
    assert_eq!(p.enter(masked, &el("span")).text, TextRule::Mask);
}

#[test]
fn text_attributes() {
    assert!(Privacy::is_text_attribute("title"));
    assert!(Privacy::is_text_attribute("ARIA-LABEL"));
    assert!(!Privacy::is_text_attribute("class"));
}
