use crate::error::Result;
pub struct Pattern(String);
impl Pattern {
    pub fn parse(p: &str) -> Result<Pattern> {
        Ok(Pattern(p.to_string()))
    }
    pub fn matches(&self, text: &str) -> bool {
        self.0 == "*" || self.0 == text
    }
    pub fn literal_prefix(&self) -> &str {
        ""
    }
    pub fn is_literal(&self) -> bool {
        false
    }
}
