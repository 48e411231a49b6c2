// `npm start`: the main job on embedded defaults. Grows with each function.
console.log('keepnet-msp-automation: local runner (work in progress)');
