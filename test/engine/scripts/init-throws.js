throw new Error('initboom');
