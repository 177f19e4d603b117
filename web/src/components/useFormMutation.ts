// The submit logic every form shares: check the input in the browser first (the same rules the
// API applies), send only when nothing is wrong, and put the API's field errors next to their
// fields when it refuses anyway.

import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { fieldErrors } from '../api/errors';

export function useFormMutation<R>({
  mutationFn,
  validate,
  onSuccess,
}: {
  mutationFn: () => Promise<R>;
  /** Problems by field name; empty when the input may be sent. */
  validate?: () => Record<string, string>;
  onSuccess?: (result: R) => void;
}) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const mutation = useMutation({ mutationFn, onSuccess, onError: (e) => setErrors(fieldErrors(e)) });
  const submit = () => {
    const problems = validate?.() ?? {};
    setErrors(problems);
    if (!Object.keys(problems).length) mutation.mutate();
  };
  return { mutation, errors, submit };
}
