// k6/http for Node unit tests: there is no network here. Unit tests drive the scenario code through
// a fake ControlPlane; a test that reaches k6/http has missed one, and says so.
function unavailable(): never {
  throw new Error('k6/http is not available in unit tests: drive the code through a fake ControlPlane');
}

const http = {
  request: unavailable,
  get: unavailable,
  post: unavailable,
  put: unavailable,
  patch: unavailable,
  del: unavailable,
  batch: unavailable,
  asyncRequest: (): Promise<never> => Promise.reject(new Error('k6/http is not available in unit tests: drive the code through a fake ControlPlane')),
};

export default http;
