const exec = require('k6/execution');
exports.default = async function () {
  console.log(`env ${__ENV.GREETING} vu ${exec.vu.idInTest} iter ${__ITER}`);
};
