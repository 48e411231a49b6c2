// The CLI's name, in a module of its own: commands print it in hints, and importing it from program.ts
// (which imports every command) would make a cycle.

/** The command operators type: `keepnet-groups`. */
export const CLI_NAME = 'keepnet-groups';
