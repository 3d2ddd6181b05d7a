exports.options = { thresholds: { http_reqs: ['foo<'] } };
exports.default = function () {};
