// Placeholder until its issue lands: keeps the layout, the build and the stack whole.
export const handler = async (): Promise<{ status: string }> => {
  throw new Error('company-poller is not implemented yet');
};
