// A new console account's e-mail, display name and initial password: used when an org admin
// adds a member and when a platform admin creates an account.

import { PasswordInput, TextInput } from '@mantine/core';

export interface AccountForm {
  email: string;
  display_name: string;
  password: string;
}

/** The checks the API makes too: an e-mail address and a password of at least 12 characters. */
export function validateAccount(form: AccountForm): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!/^[^@\s]+@[^@\s]+$/.test(form.email.trim())) problems.email = 'Enter an e-mail address.';
  if (form.password.length < 12) problems.password = 'At least 12 characters.';
  return problems;
}

export function accountBody(form: AccountForm) {
  return { email: form.email.trim(), display_name: form.display_name.trim() || null, password: form.password };
}

export function AccountFields<F extends AccountForm>({ form, onChange, errors }: { form: F; onChange: (next: F) => void; errors: Record<string, string> }) {
  return (
    <>
      <TextInput label="E-mail" required value={form.email} error={errors.email} onChange={(e) => onChange({ ...form, email: e.currentTarget.value })} data-autofocus />
      <TextInput label="Display name" value={form.display_name} error={errors.display_name} onChange={(e) => onChange({ ...form, display_name: e.currentTarget.value })} />
      <PasswordInput
        label="Initial password"
        description="At least 12 characters; give it to them securely."
        required
        value={form.password}
        error={errors.password}
        onChange={(e) => onChange({ ...form, password: e.currentTarget.value })}
      />
    </>
  );
}
