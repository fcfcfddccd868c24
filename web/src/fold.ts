/** Folds Vietnamese text for search: "Học phí" and "hoc phi" meet (NFD without marks, đ→d, lower case). */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase().trim();
}
