import { Alert, Button, Center, Paper, PasswordInput, Stack, TextInput, Title, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Navigate, useLocation } from 'react-router';
import { login } from '../api/client';
import { ApiError, describeError } from '../api/errors';
import { useSession } from '../auth/useSession';

function loginMessage(error: unknown): string {
  if (error instanceof ApiError && error.status === 401) return 'The e-mail address or the password is wrong.';
  return describeError(error).message;
}

export function LoginPage() {
  const { tokens, notice } = useSession();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const queryClient = useQueryClient();
  // Whatever was cached belonged to the previous session (possibly another user).
  const mutation = useMutation({ mutationFn: () => login(email.trim(), password), onSuccess: () => queryClient.clear() });
  if (tokens) {
    const from = (location.state as { from?: string } | null)?.from;
    return <Navigate to={from && from !== '/login' ? from : '/'} replace />;
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    mutation.mutate();
  };
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={400} component="main">
        <form onSubmit={submit} aria-label="Log in">
          <Stack>
            <Title order={1} size="h2">
              Sluice console
            </Title>
            <Text size="sm" c="dimmed">
              Log in with your Sluice account.
            </Text>
            {notice && !mutation.isError && (
              <Alert color="blue" role="status">
                {notice}
              </Alert>
            )}
            {mutation.isError && (
              <Alert color="red" role="alert" title="Could not log in">
                {loginMessage(mutation.error)}
              </Alert>
            )}
            <TextInput label="E-mail" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} autoFocus />
            <PasswordInput label="Password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
            <Button type="submit" loading={mutation.isPending}>
              Log in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
