//! Every masking decision, for every path that carries page data out of the recorder.
//!
//! The snapshot (and later mutations, inputs and attributes) ask this module what to record;
//! no other module decides. Until the full engine lands every form value is masked.

/// Masks an input's value: `*` repeated to the value's length in characters, so the replay
/// shows a field of the right width without the content.
pub fn mask_input_value(value: &str) -> String {
    "*".repeat(value.chars().count())
}

/// Masks page text: every non-whitespace character becomes `*`, so layout survives the replay.
pub fn mask_text(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_whitespace() { c } else { '*' })
        .collect()
}

/// What the privacy engine decides for a form control's current value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InputPolicy;

impl InputPolicy {
    /// The value to record for a form control (input, textarea, select).
    pub fn record_value(&self, _input_type: &str, value: &str) -> String {
        mask_input_value(value)
    }

    /// Whether a select's chosen option must be hidden: recording `selected` on an option
    /// reveals the select's value as plainly as recording the value itself.
    pub fn masks_selection(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_values_masked_to_length() {
        assert_eq!(mask_input_value("hunter2"), "*******");
        assert_eq!(mask_input_value("é😀"), "**");
        assert_eq!(mask_input_value(""), "");
        assert_eq!(InputPolicy.record_value("hidden", "secret"), "******");
        assert_eq!(InputPolicy.record_value("text", "a b"), "***");
    }

    #[test]
    fn text_keeps_whitespace() {
        assert_eq!(mask_text("Ab c\n d"), "** *\n *");
    }
}
