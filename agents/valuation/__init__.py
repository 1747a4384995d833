"""The valuation agent: tools over the valuation models, a narrative grounded in their outputs, a workflow node."""
