import { fireEvent, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { renderUi } from '../test/render';
import { MatrixEditor } from './MatrixEditor';

// TagsInput also renders a hidden input carrying the value; the editable one is the other.
const visible = { selector: 'input:not([type="hidden"])' };

describe('MatrixEditor', () => {
  it('shows every class × tier cell with its pool', () => {
    renderUi(<MatrixEditor matrix={{ public: { simple: ['demo-small'] } }} onChange={() => {}} models={['demo-small', 'demo-frontier']} />);
    expect(screen.getAllByLabelText(/^Models for /, visible)).toHaveLength(16);
    expect(screen.getByRole('table', { name: /Routing matrix/ })).toBeInTheDocument();
    expect(screen.getAllByText('demo-small').length).toBeGreaterThan(0);
  });

  it('adds a model to a cell with the keyboard', async () => {
    const onChange = vi.fn();
    renderUi(<MatrixEditor matrix={{ public: { simple: ['demo-small'] } }} onChange={onChange} models={['demo-small', 'demo-frontier']} />);
    const cell = screen.getByLabelText('Models for pii data, complex tasks', visible);
    await userEvent.type(cell, 'local-llama{Enter}');
    expect(onChange).toHaveBeenLastCalledWith({ public: { simple: ['demo-small'] }, pii: { complex: ['local-llama'] } });
  });

  it('removes the last model of a cell with Backspace, dropping the empty cell', async () => {
    const onChange = vi.fn();
    renderUi(<MatrixEditor matrix={{ public: { simple: ['demo-small'] } }} onChange={onChange} models={[]} />);
    const cell = screen.getByLabelText('Models for public data, simple tasks', visible);
    cell.focus();
    fireEvent.keyDown(cell, { key: 'Backspace' });
    expect(onChange).toHaveBeenLastCalledWith({});
  });

  it('shows problems in their cells', () => {
    renderUi(<MatrixEditor matrix={{ pii: { simple: ['gpt-4o'] } }} onChange={() => {}} models={[]} problems={{ 'pii.simple': 'gpt-4o runs on a external provider' }} />);
    expect(screen.getByText('gpt-4o runs on a external provider')).toBeInTheDocument();
  });

  it('is read-only for viewers: no inputs', () => {
    renderUi(<MatrixEditor matrix={{ public: { simple: ['demo-small', 'demo-frontier'] } }} onChange={() => {}} models={[]} readOnly />);
    expect(screen.queryAllByLabelText(/^Models for /, visible)).toHaveLength(0);
    expect(screen.getByText('2. demo-frontier')).toBeInTheDocument();
  });
});
