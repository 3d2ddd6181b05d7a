exports.options = { scenarios: { a: { executor: 'nope' } } };
exports.default = function () {};
