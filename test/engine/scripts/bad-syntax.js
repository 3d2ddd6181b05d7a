exports.default = function ( {
