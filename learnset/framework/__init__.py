"""The capability framework: domains, capabilities and the words for each level, loaded from
content/framework/. It sits below every feature: any of them may use it, and it uses none."""
