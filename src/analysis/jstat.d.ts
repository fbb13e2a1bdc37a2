// The part of jStat (npm "jstat", no types of its own) that cpdiag uses.
declare module 'jstat' {
  interface JStat {
    studentt: {
      /** The p-quantile of Student's t with `dof` degrees of freedom. */
      inv(p: number, dof: number): number;
    };
  }
  const jstat: { jStat: JStat };
  export default jstat;
}
